// Failure test against a real local 3-node Kafka cluster (tooling/kafka cluster
// mode): with replication factor 3 and min ISR 2, acks=all writes keep working
// while one node is SIGKILLed, nothing is lost or duplicated, the node comes
// back on its data, and stopping the cluster leaves no JVM behind.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createKafkaClient,
  createLogger,
  topicNames,
  type Consumer,
  type KafkaClient,
} from "@tweetream/shared";
import { uniqueName, waitFor } from "@tweetream/shared/testing";
import { clusterStatus, ensureCluster, stopCluster, type ClusterInfo } from "./kafka/cluster.ts";
import { killNode, startNode } from "./kafka/node-control.ts";
import { startOwnCluster, type OwnCluster } from "./kafka/own-cluster.ts";

const nodeCount = 3;
let own: OwnCluster | undefined;

// Silent: while a node is down kafkajs logs every failed attempt as an error (expected here).
const logger = createLogger("cluster-test", "silent");
const log = (message: string) => {
  logger.info(message);
};
let cluster: ClusterInfo;
let client: KafkaClient | undefined;
let consumer: Consumer | undefined;

// A zombie (exited, not yet reaped by its parent) counts as dead.
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${String(pid)}/stat`, "utf8"));
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const startedAt = Date.now();
  // 19792 unless a parallel run holds it: then the next block with all 2N ports free.
  own = await startOwnCluster({ nodes: nodeCount, fromPort: 19792, log });
  cluster = own.cluster;
  console.info(
    `${nodeCount}-node cluster started in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`,
  );
}, 150_000);

afterAll(async () => {
  // The JVMs must go even when closing the clients fails.
  try {
    await consumer?.stop();
    await client?.close();
  } finally {
    await own?.remove();
  }
}, 60_000);

describe("local Kafka cluster", () => {
  it("starts N distinct nodes and reuses them on a second call", async () => {
    expect(cluster.started).toBe(true);
    expect(cluster.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(new Set(cluster.nodes.map((n) => n.pid)).size).toBe(nodeCount);
    expect(cluster.brokers.split(",")).toHaveLength(nodeCount);
    const again = await ensureCluster({ nodes: nodeCount, basePort: cluster.nodes[0]?.port, log });
    expect(again.started).toBe(false);
    expect(again.nodes.map((n) => n.pid)).toEqual(cluster.nodes.map((n) => n.pid));
  });

  it("keeps acks=all writes going with one of three replicas killed, and loses nothing", async () => {
    const topics = topicNames(uniqueName("cluster"));
    const topic = uniqueName("replicated");
    client = createKafkaClient({
      brokers: cluster.brokers.split(","),
      clientId: uniqueName("cluster-test"),
      logger,
      topics,
    });
    const spec = {
      topic,
      partitions: 3,
      replicationFactor: 3,
      config: { "min.insync.replicas": "2" },
    };
    // ensureTopics itself rides out kafkajs' "does not host this topic-partition"
    // on a fresh multi-broker topic and waits until every partition has a leader.
    expect(await client.ensureTopics([spec])).toEqual([topic]);
    expect(await client.partitionCount(topic)).toBe(3);
    const producer = await client.createProducer();
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({
        topic,
        key: `key-${from + i}`,
        value: `value-${from + i}`,
      }));
    await producer.send(batch(0, 200));

    const readAll = async (received: string[]) =>
      client?.startConsumer({
        groupId: uniqueName("cluster-group"),
        topics: [topic],
        fromBeginning: true,
        decode: (raw) => raw.key?.toString() ?? "",
        onBatch: async (records) => {
          received.push(...records.map((r) => r.value));
        },
      });

    // A first group reads while all nodes are up, which also creates the groups'
    // internal topic: at replication factor 3 it needs 3 live brokers. It stops
    // before the kill: a kafkajs consumer fetching from the dead leader crashes
    // and restarts, and once never consumed again (below).
    const before: string[] = [];
    consumer = await readAll(before);
    await waitFor(() => (before.length >= 200 ? true : undefined), {
      timeoutMs: 60_000,
      what: "the first 200 records",
    });
    await consumer?.stop();

    // With 3 partitions over 3 nodes, node 2 leads some of them and follows the rest.
    const victim = 2;
    const killed = await killNode(victim, { log });
    expect(killed.pid).toBeDefined();
    expect(isAlive(killed.pid ?? 0)).toBe(false);
    const afterKill = await clusterStatus();
    expect(afterKill.running).toBe(nodeCount - 1);
    expect(afterKill.nodes.find((n) => n.id === victim)?.state).toBe("stopped");

    const timings: string[] = [];
    let mark = Date.now();
    const lap = (what: string) => {
      timings.push(`${what} ${((Date.now() - mark) / 1000).toFixed(1)}s`);
      mark = Date.now();
    };
    await producer.send(batch(200, 400));
    lap(`200 acks=all writes with node ${victim} down`);
    await producer.disconnect();

    // The idempotent producer's retries during the failover wrote nothing twice.
    // A newly elected leader reports a high watermark that may lag its log until
    // the remaining follower has fetched again (once seen: 335 of 400 right after
    // the kill under load), so wait for the count to settle.
    const writtenRecords = async () =>
      (await client?.endOffsets(topic))?.reduce((sum, p) => sum + Number(p.offset), 0) ?? 0;
    const written = await waitFor(
      async () => {
        const n = await writtenRecords();
        return n >= 400 ? n : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "the high watermarks to reach 400" },
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)} (at ${String(await writtenRecords())})`);
    });
    expect(written).toBe(400);

    const restarted = await startNode(victim, { log });
    lap(`node ${victim} restarted`);
    expect(restarted.started).toBe(true);
    expect(restarted.pid).not.toBe(killed.pid);

    // A new group reads everything back. Not while the node is down: there a
    // kafkajs consumer sometimes never delivered the records within 60 s
    // (2 of ~10 runs, not understood yet), which would make this test flaky.
    const received: string[] = [];
    consumer = await readAll(received);
    await waitFor(() => (received.length >= 400 ? true : undefined), {
      timeoutMs: 60_000,
      what: "all 400 records",
    }).catch((error: unknown) => {
      throw new Error(`${String(error)} (got ${received.length})`);
    });
    lap("all 400 read by a new group");
    console.info(timings.join(", "));
    expect(new Set(received)).toEqual(new Set(batch(0, 400).map((r) => r.key)));

    const status = await clusterStatus();
    expect(status.running).toBe(nodeCount);
    expect(status.nodes.every((n) => n.state === "running" && n.responding)).toBe(true);
  }, 240_000);

  it("stops every node and leaves no JVM behind", async () => {
    const before = await clusterStatus();
    const pids = before.nodes.map((n) => n.pid);
    expect(pids.every((pid) => pid !== undefined)).toBe(true);
    await consumer?.stop();
    consumer = undefined;
    await client?.close();
    client = undefined;

    const { stopped } = await stopCluster({ log });
    expect(stopped.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(pids.filter((pid) => pid !== undefined && isAlive(pid))).toEqual([]);
    expect((await clusterStatus()).running).toBe(0);
  });
});
