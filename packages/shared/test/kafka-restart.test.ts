// A real crash of the kafkajs consumer inside startConsumer, against the real
// test broker: the group coordinator refuses the join with a non-retriable
// error (INCONSISTENT_GROUP_PROTOCOL, because a member speaking another
// assignment protocol holds the group), kafkajs gives up on that consumer, and
// the service must build a new one and consume again once the conflict is gone.
// A second, raw kafkajs member is the only way to make the coordinator refuse
// our consumer's protocol; the code under test still goes through the module.
// eslint-disable-next-line no-restricted-imports
import {
  Kafka,
  KafkaJSNonRetriableError,
  PartitionAssigners,
  logLevel,
  type PartitionAssigner,
} from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createKafkaClient,
  createLogger,
  topicNames,
  type Consumer,
  type KafkaClient,
} from "../src/index.ts";
import { uniqueName, waitFor } from "../src/testing.ts";

const brokers = inject("kafkaBrokers").split(",");
// Silent: the crash is logged as an error on purpose.
const logger = createLogger("kafka-restart-test", "silent");
const topics = topicNames(uniqueName("restart-test"));
let client: KafkaClient;
const consumers: Consumer[] = [];

beforeAll(async () => {
  client = createKafkaClient({ brokers, clientId: uniqueName("restart-test"), logger, topics });
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await client.close();
});

// kafkajs' round-robin assigner under another protocol name: a member using it
// makes the coordinator refuse members that only speak "RoundRobinAssigner".
const otherProtocol: PartitionAssigner = (config) => {
  const assigner = PartitionAssigners.roundRobin(config);
  return {
    ...assigner,
    name: "OtherAssigner",
    protocol: (subscription) => ({ ...assigner.protocol(subscription), name: "OtherAssigner" }),
  };
};

describe("consumer crash restart", () => {
  it("restarts a kafkajs consumer that crashed with a non-retriable error, and consumes again", async () => {
    const topic = uniqueName("restart");
    await client.ensureTopics([{ topic, partitions: 2, replicationFactor: 1 }]);
    const groupId = uniqueName("restart-group");

    const blocker = new Kafka({
      brokers,
      clientId: "blocker",
      logLevel: logLevel.NOTHING,
    }).consumer({
      groupId,
      partitionAssigners: [otherProtocol],
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    await blocker.connect();
    await blocker.subscribe({ topics: [topic] });
    let blockerJoined = false;
    blocker.on(blocker.events.GROUP_JOIN, () => {
      blockerJoined = true;
    });
    await blocker.run({ eachMessage: async () => undefined });
    await waitFor(() => (blockerJoined ? true : undefined), {
      timeoutMs: 30_000,
      what: "the blocking member to join",
    });

    const crashes: unknown[] = [];
    let restarts = 0;
    const received: string[] = [];
    consumers.push(
      await client.startConsumer({
        groupId,
        topics: [topic],
        fromBeginning: true,
        decode: (raw) => raw.value?.toString() ?? "",
        onBatch: async (records) => {
          received.push(...records.map((r) => r.value));
        },
        onCrash: (error) => crashes.push(error),
        onRestart: () => {
          restarts++;
        },
      }),
    );
    await waitFor(() => (crashes.length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: "the consumer to crash",
    });
    expect(String(crashes[0])).toMatch(/incompatible with those of existing members/);

    // The conflict goes away; the service's next restart must join and consume.
    await blocker.disconnect();
    const producer = await client.createProducer();
    const values = Array.from({ length: 20 }, (_, i) => `value-${String(i)}`);
    await producer.send(values.map((value, i) => ({ topic, key: `k${String(i)}`, value })));
    await producer.disconnect();
    await waitFor(() => (received.length >= values.length ? true : undefined), {
      timeoutMs: 45_000,
      what: "the restarted consumer to read every record",
    });
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect([...received].sort()).toEqual([...values].sort());
    await client.deleteTopics([topic]);
  }, 90_000);

  it("resumes a consumer without commits where it was, after a crash", async () => {
    const topic = uniqueName("restart-nocommit");
    await client.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await client.createProducer();
    const send = (from: number) =>
      producer.send(
        Array.from({ length: 10 }, (_, i) => ({
          topic,
          key: "k",
          value: `value-${String(from + i)}`,
        })),
      );
    await send(0);
    const received: string[] = [];
    let crashed = false;
    let restarts = 0;
    consumers.push(
      await client.startConsumer({
        groupId: uniqueName("nocommit-group"),
        topics: [topic],
        // Without a kept position, the restarted consumer (no commits) would read from 0 again.
        fromBeginning: true,
        commitOffsets: false,
        deleteGroupOnStop: true,
        decode: (raw) => raw.value?.toString() ?? "",
        onBatch: async (records) => {
          if (!crashed && records.some((r) => r.value === "value-10")) {
            crashed = true;
            // A client error is rethrown as it is: kafkajs gives up on the consumer.
            throw new KafkaJSNonRetriableError("test crash");
          }
          received.push(...records.map((r) => r.value));
        },
        onRestart: () => {
          restarts++;
        },
      }),
    );
    await waitFor(() => (received.length >= 10 ? true : undefined), {
      timeoutMs: 30_000,
      what: "the first ten records",
    });
    await send(10);
    await waitFor(() => (received.length >= 20 ? true : undefined), {
      timeoutMs: 45_000,
      what: "the restarted consumer to read the next ten",
    });
    await producer.disconnect();
    expect(crashed).toBe(true);
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => `value-${String(i)}`));
    await client.deleteTopics([topic]);
  }, 90_000);
});
