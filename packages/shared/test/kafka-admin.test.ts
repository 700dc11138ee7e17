// One KafkaClient's admin operations called at once: a topic deleted while
// offsets and metadata of it and of other topics are read. kafkajs' admin
// client, left to run them side by side, brings the deleted topic back into
// the list of topics it refreshes and then fails every later operation; the
// KafkaClient runs them one at a time (src/kafka/admin.ts).
import { afterAll, describe, expect, inject, it } from "vitest";
import { createKafkaClient, createLogger, topicNames, type TopicSpec } from "../src/index.ts";
import { uniqueName, waitFor } from "../src/testing.ts";

const brokers = inject("kafkaBrokers").split(",");
const logger = createLogger("shared-test", "error");
const newClient = () =>
  createKafkaClient({
    brokers,
    clientId: uniqueName("admin-test"),
    logger,
    topics: topicNames(uniqueName("admin-test")),
  });
const client = newClient();
const leftovers = new Set<string>();

afterAll(async () => {
  // Through another client, in case a failure left this one unusable.
  const cleaner = newClient();
  try {
    await cleaner.deleteTopics([...leftovers]);
  } finally {
    await Promise.all([cleaner.close(), client.close()]);
  }
});

const spec = (topic: string): TopicSpec => ({ topic, partitions: 1, replicationFactor: 1 });
/**
 * Waits until new topics serve offsets (a partition can answer
 * NOT_LEADER_FOR_PARTITION for a moment after it has a leader in the
 * metadata). Asks through a client of its own, so that `client`'s admin client
 * has not seen the topics, and a new one each time: an admin client that has
 * seen a topic that another client deleted fails every later operation.
 */
async function untilReadable(topics: readonly string[]): Promise<void> {
  const prober = newClient();
  try {
    await waitFor(
      () =>
        Promise.all(topics.map((topic) => prober.offsetRanges(topic))).then(
          () => true,
          () => undefined,
        ),
      { what: `offsets of ${topics.join(", ")}` },
    );
  } finally {
    await prober.close();
  }
}
/** A settled promise's value, or its error's message (so a failure shows every outcome). */
const outcome = (result: PromiseSettledResult<unknown>): unknown =>
  result.status === "fulfilled" ? result.value : `failed: ${String(result.reason)}`;

describe("Kafka client module: admin operations at once", () => {
  it("deletes a topic while offsets and metadata are read, and keeps working", async () => {
    for (let round = 0; round < 3; round++) {
      const doomed = uniqueName("doomed");
      const others = Array.from({ length: 10 }, () => uniqueName("other"));
      for (const topic of [doomed, ...others]) leftovers.add(topic);
      await client.ensureTopics([doomed, ...others].map(spec));
      await untilReadable([doomed, ...others]);
      // The admin client now refreshes the doomed topic before each operation,
      // as after the web hub read its offsets.
      await client.offsetRanges(doomed);

      // Called before the deletion, so (run in order) they find the topic.
      const doomedReads = Promise.all([client.endOffsets(doomed), client.partitionCount(doomed)]);
      const deletion = client.deleteTopics([doomed]);
      const otherReads = others.map((topic) =>
        Promise.all([
          client.offsetRanges(topic),
          client.offsetsAtTime(topic, 0),
          client.partitionCount(topic),
        ]),
      );
      const results = await Promise.allSettled([deletion, doomedReads, ...otherReads]);
      expect(results.map(outcome)).toEqual([
        undefined,
        [[{ partition: 0, offset: "0" }], 1],
        ...others.map(() => [
          [{ partition: 0, low: "0", high: "0" }],
          [{ partition: 0, offset: "0" }],
          1,
        ]),
      ]);
      await client.deleteTopics(others);
    }

    // The client still works: offsets, creation and deletion of other topics.
    const after = uniqueName("after");
    leftovers.add(after);
    expect(await client.ensureTopics([spec(after)])).toEqual([after]);
    await untilReadable([after]);
    expect(await client.endOffsets(after)).toEqual([{ partition: 0, offset: "0" }]);
    await client.deleteTopics([after]);
    expect(await client.listTopics()).not.toContain(after);
  }, 180_000);
});
