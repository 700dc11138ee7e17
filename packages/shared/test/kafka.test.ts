// Integration tests against a real Apache Kafka broker (see tooling/kafka).
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import {
  coreTopicSpecs,
  createKafkaClient,
  createLogger,
  DEAD_LETTER_HEADERS,
  encodeMessage,
  jsonDecoder,
  PreprocessedPost,
  topicNames,
  OffsetOutOfRangeError,
  TweetreamError,
  type ConsumedRecord,
  type Consumer,
  type KafkaClient,
  type RawRecord,
} from "../src/index.ts";
import { uniqueName, waitFor } from "../src/testing.ts";
import { samplePost } from "../src/messages/codec.test.ts";

const brokers = inject("kafkaBrokers").split(",");
const logger = createLogger("shared-test", "warn");
const topics = topicNames(uniqueName("shared-test"));
let client: KafkaClient;
const consumers: Consumer[] = [];

beforeAll(async () => {
  client = createKafkaClient({ brokers, clientId: uniqueName("shared-test"), logger, topics });
  await client.ensureTopics(coreTopicSpecs(topics, { partitions: 3, replicationFactor: 1 }));
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await client.close();
});

/** Collects dead letters whose original topic is `topic` (the DLQ is shared). */
async function collectDeadLetters(topic: string): Promise<RawRecord[]> {
  const letters: RawRecord[] = [];
  consumers.push(
    await client.startConsumer({
      groupId: uniqueName("dlq-reader"),
      topics: [topics.deadLetter],
      fromBeginning: true,
      decode: (raw) => raw,
      onBatch: async (records) => {
        for (const { value } of records) {
          if (value.headers[DEAD_LETTER_HEADERS.topic] === topic) letters.push(value);
        }
      },
    }),
  );
  return letters;
}

describe("Kafka client module", () => {
  it("keeps order with bounded retries, without kafkajs's warning about idempotence", async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const topic = uniqueName("bounded");
    const own = createKafkaClient({
      brokers,
      clientId: uniqueName("bounded"),
      logger: pino({ level: "warn" }, capture),
      topics,
    });
    try {
      await own.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
      const producer = await own.createProducer({ maxRetries: 3 });
      for (let batch = 0; batch < 5; batch++) {
        await producer.send(
          Array.from({ length: 10 }, (_, i) => ({
            topic,
            key: `post-${String(batch * 10 + i)}`,
            value: encodeMessage(PreprocessedPost, {
              ...samplePost,
              id: `post-${String(batch * 10 + i)}`,
            }),
          })),
        );
      }
      await producer.disconnect();
      const received: string[] = [];
      consumers.push(
        await own.startConsumer<PreprocessedPost>({
          groupId: uniqueName("bounded-reader"),
          topics: [topic],
          fromBeginning: true,
          decode: jsonDecoder(PreprocessedPost),
          onBatch: async (records) => {
            received.push(...records.map((r) => r.value.id));
          },
        }),
      );
      await waitFor(() => (received.length >= 50 ? true : undefined), { what: "50 posts" });
      expect(received).toEqual(Array.from({ length: 50 }, (_, i) => `post-${String(i)}`));
      expect(lines.join("")).not.toContain("Limiting retries");
    } finally {
      await own.close();
    }
  });

  it("creates topics once, with the requested partitions", async () => {
    const topic = uniqueName("topic");
    const spec = { topic, partitions: 4, replicationFactor: 1 };
    expect(await client.ensureTopics([spec])).toEqual([topic]);
    expect(await client.ensureTopics([spec])).toEqual([]);
    expect(await client.partitionCount(topic)).toBe(4);
    await client.deleteTopics([topic]);
    await waitFor(async () => ((await client.listTopics()).includes(topic) ? undefined : true), {
      what: "topic deletion",
    });
  });

  it("round-trips posts through an idempotent producer and a consumer group, dead-lettering malformed records", async () => {
    const topic = uniqueName("posts");
    await client.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }]);
    const producer = await client.createProducer();
    const posts = Array.from({ length: 50 }, (_, i) => ({ ...samplePost, id: `post-${i}` }));
    await producer.send(
      posts.map((post) => ({
        topic,
        key: post.id,
        value: encodeMessage(PreprocessedPost, post),
      })),
    );
    await producer.send([
      { topic, key: "garbage", value: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
      { topic, key: "wrong-version", value: JSON.stringify({ ...samplePost, v: 99 }) },
      { topic, key: "missing-fields", value: JSON.stringify({ v: 1, id: "x" }) },
    ]);
    await producer.disconnect();

    const received: ConsumedRecord<PreprocessedPost>[] = [];
    consumers.push(
      await client.startConsumer<PreprocessedPost>({
        groupId: uniqueName("group"),
        topics: [topic],
        fromBeginning: true,
        decode: jsonDecoder(PreprocessedPost),
        onBatch: async (records) => {
          received.push(...records);
        },
      }),
    );
    const letters = await collectDeadLetters(topic);

    await waitFor(() => (received.length >= posts.length ? true : undefined), {
      what: "all posts",
    });
    await waitFor(() => (letters.length >= 3 ? true : undefined), { what: "dead letters" });

    expect(received.map((r) => r.key).sort()).toEqual(posts.map((p) => p.id).sort());
    expect(received.every((r) => r.key === r.value.id)).toBe(true);

    const byKey = new Map(letters.map((l) => [l.key?.toString(), l]));
    expect(byKey.get("garbage")?.headers[DEAD_LETTER_HEADERS.reason]).toBe("invalid-json");
    expect(byKey.get("garbage")?.value).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    expect(byKey.get("wrong-version")?.headers[DEAD_LETTER_HEADERS.reason]).toBe("invalid-schema");
    expect(byKey.get("missing-fields")?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/source/);
    expect(letters).toHaveLength(3);
  });

  it("dead-letters only the records a handler rejects for good, and keeps consuming", async () => {
    const topic = uniqueName("poison");
    await client.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await client.createProducer();
    await producer.send(
      ["a", "poison", "b", "c"].map((key) => ({ topic, key, value: JSON.stringify({ key }) })),
    );
    await producer.disconnect();

    const handled: string[] = [];
    consumers.push(
      await client.startConsumer({
        groupId: uniqueName("group"),
        topics: [topic],
        fromBeginning: true,
        decode: (raw) => raw.key?.toString() ?? "",
        onBatch: async (records) => {
          if (records.some((r) => r.value === "poison")) {
            throw new TweetreamError("cannot handle poison", { retriable: false });
          }
          handled.push(...records.map((r) => r.value));
        },
      }),
    );
    const letters = await collectDeadLetters(topic);
    await waitFor(() => (handled.length >= 3 && letters.length >= 1 ? true : undefined), {
      what: "handled records and the dead letter",
    });
    expect(handled).toEqual(["a", "b", "c"]);
    expect(letters.map((l) => l.headers[DEAD_LETTER_HEADERS.reason])).toEqual([
      "processing-failed",
    ]);
    expect(letters[0]?.headers[DEAD_LETTER_HEADERS.offset]).toBe("1");
  });

  it("resumes a group from its committed offsets after a stop", async () => {
    const topic = uniqueName("resume");
    const groupId = uniqueName("group");
    await client.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await client.createProducer();
    const send = (keys: string[]) =>
      producer.send(keys.map((key) => ({ topic, key, value: JSON.stringify(key) })));
    const seen: string[] = [];
    const start = () =>
      client.startConsumer({
        groupId,
        topics: [topic],
        fromBeginning: true,
        decode: (raw) => raw.key?.toString() ?? "",
        onBatch: async (records) => {
          seen.push(...records.map((r) => r.value));
        },
      });

    await send(["1", "2"]);
    const first = await start();
    await waitFor(() => (seen.length >= 2 ? true : undefined), { what: "first records" });
    await first.stop();
    await send(["3"]);
    const second = await start();
    consumers.push(second);
    await waitFor(() => (seen.length >= 3 ? true : undefined), { what: "third record" });
    await producer.disconnect();
    expect(seen).toEqual(["1", "2", "3"]);
  });
});

describe("Kafka client module: positions", () => {
  it("reports offset ranges, finds offsets by time and starts partitions at chosen offsets", async () => {
    const topic = uniqueName("positions");
    await client.ensureTopics([{ topic, partitions: 2, replicationFactor: 1 }]);
    expect(await client.offsetRanges(topic)).toEqual([
      { partition: 0, low: "0", high: "0" },
      { partition: 1, low: "0", high: "0" },
    ]);
    const producer = await client.createProducer();
    // Same key: every record lands in one partition, in order.
    await producer.send(["a", "b", "c", "d", "e"].map((value) => ({ topic, key: "k", value })));
    const afterFirstBatch = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await producer.send([{ topic, key: "k", value: "f" }]);
    await producer.disconnect();

    const ranges = await client.offsetRanges(topic);
    const used = ranges.find((r) => r.high !== "0");
    expect(used).toMatchObject({ low: "0", high: "6" });
    const partition = used?.partition ?? -1;
    const atTime = await client.offsetsAtTime(topic, afterFirstBatch);
    expect(atTime.find((o) => o.partition === partition)?.offset).toBe("5");
    expect(atTime.find((o) => o.partition !== partition)?.offset).toBe("0");

    const seen: string[] = [];
    consumers.push(
      await client.startConsumer({
        groupId: uniqueName("group"),
        topics: [topic],
        fromBeginning: true,
        startOffsets: [{ topic, partition, offset: "3" }],
        decode: (raw) => raw.value?.toString() ?? "",
        onBatch: async (records) => {
          seen.push(...records.map((r) => r.value));
        },
      }),
    );
    await waitFor(() => (seen.length >= 3 ? true : undefined), { what: "records from offset 3" });
    expect(seen).toEqual(["d", "e", "f"]);
  });
});

describe("Kafka client module: reading partitions without a group", () => {
  it("reads a partition from any offset, in order, to its end", async () => {
    const topic = uniqueName("log-reader");
    await client.ensureTopics([{ topic, partitions: 2, replicationFactor: 1 }]);
    const producer = await client.createProducer();
    // Two sends: two record batches, so a read from the middle of the first
    // gets that batch whole from the broker and must drop its head.
    await producer.send(
      ["a", "b", "c"].map((value) => ({ topic, key: null, value, partition: 1 })),
    );
    await producer.send(["d", "e"].map((value) => ({ topic, key: null, value, partition: 1 })));
    await producer.disconnect();
    const reader = client.logReader();

    const fromMiddle = await reader.read(topic, 1, 1n);
    expect(fromMiddle.highWatermark).toBe(5n);
    expect(fromMiddle.records.map((r) => [r.offset, r.value?.toString()])).toEqual([
      ["1", "b"],
      ["2", "c"],
      ["3", "d"],
      ["4", "e"],
    ]);
    expect(fromMiddle.records[0]).toMatchObject({ topic, partition: 1, key: null });
    expect(fromMiddle.records[0]?.timestamp).toBeGreaterThan(Date.now() - 60_000);

    // A small maxBytes still returns at least the first batch, never less than one record.
    const small = await reader.read(topic, 1, 3n, 1);
    expect(small.records[0]?.value?.toString()).toBe("d");
    expect((await reader.read(topic, 1, 5n)).records).toEqual([]);
    expect((await reader.read(topic, 0, 0n)).records).toEqual([]);
    await expect(reader.read(topic, 1, 99n)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    await expect(reader.read(topic, 7, 0n)).rejects.toThrow(/has no partition 7/);

    // Closed, it refuses reads rather than open a connection nothing would close.
    await reader.close();
    await expect(reader.read(topic, 1, 1n)).rejects.toThrow("the log reader is closed");
    await expect(reader.readBatches(topic, 1, 1n)).rejects.toThrow("the log reader is closed");
  });

  it("opens each fetch connection once for reads that start at once, and closes them", async () => {
    const topic = uniqueName("log-reader-sockets");
    await client.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }]);
    const sockets = () =>
      process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
    const before = sockets();
    const reader = client.logReader();
    // kafkajs opened a socket per read that found the fetch connection closed
    // at the same moment, and closed only the last (patches/kafkajs+2.2.4.patch).
    // Nine reads: three on each of the reader's three connections.
    const reads = Array.from({ length: 9 }, (_, i) => reader.read(topic, i % 3, 0n));
    await Promise.all(reads);
    const open = sockets() - before;
    expect(open).toBeGreaterThan(0);
    expect(open).toBeLessThanOrEqual(6); // a broker socket and a seed socket per connection, at most
    await reader.close();
    await waitFor(() => (sockets() <= before ? true : undefined), {
      timeoutMs: 5000,
      what: `the reader's sockets to close (${String(sockets())} open, ${String(before)} before)`,
    });
  });

  it("reads a large fetch response without copying it into another buffer", async () => {
    const topic = uniqueName("log-reader-copies");
    await client.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await client.createProducer();
    const value = "x".repeat(10_000);
    for (let i = 0; i < 3; i++) {
      await producer.send(
        Array.from({ length: 100 }, () => ({ topic, key: null, value, partition: 0 })),
      );
    }
    await producer.disconnect();
    const reader = client.logReader();
    await reader.read(topic, 0, 0n, 1); // connected, metadata known
    // kafkajs copied every response into a new buffer, and with an empty
    // leftover in front of the next one it copied that one too
    // (socket.ts, patches/kafkajs+2.2.4.patch `processData`).
    const concat = vi.spyOn(Buffer, "concat");
    try {
      for (let round = 0; round < 2; round++) {
        const { batches } = await reader.readBatches(topic, 0, 0n, 4 * 1024 * 1024);
        expect(batches.reduce((sum, b) => sum + b.count, 0)).toBe(300);
      }
      const copied = concat.mock.calls.filter(
        ([list]) => list.reduce((sum, piece) => sum + piece.length, 0) >= 1024 * 1024,
      );
      expect(copied).toEqual([]);
    } finally {
      concat.mockRestore();
      await reader.close();
    }
  });

  it("refuses a record for a partition the topic does not have, rather than dropping it", async () => {
    const topic = uniqueName("no-such-partition");
    await client.ensureTopics([{ topic, partitions: 2, replicationFactor: 1 }]);
    const producer = await client.createProducer();
    await expect(
      producer.send([
        { topic, key: null, value: "kept", partition: 1 },
        { topic, key: null, value: "lost?", partition: 2 },
      ]),
    ).rejects.toThrow(`${topic} has no partition 2 (it has 2)`);
    await producer.disconnect();
  });
});
