// A real crash of the kafkajs consumer inside startConsumer, against the real
// test broker: the group coordinator refuses the join with a non-retriable
// error (INCONSISTENT_GROUP_PROTOCOL, because a member speaking another
// assignment protocol holds the group), kafkajs gives up on that consumer, and
// the service must build a new one and consume again once the conflict is gone.
// A second, raw kafkajs member is the only way to make the coordinator refuse
// our consumer's protocol; the code under test still goes through the module.
// eslint-disable-next-line no-restricted-imports
import { Kafka, PartitionAssigners, logLevel, type PartitionAssigner } from "kafkajs";
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
});
