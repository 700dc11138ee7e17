// The record-batch reader against what a real broker sends: records written
// by kafkajs' own producer (plain and gzip batches, headers, null keys and
// values, a transaction and its commit marker) read back through LogReader.
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "../logger.ts";
import { uniqueName, waitFor } from "../testing.ts";
import { topicNames } from "../topics.ts";
import { createKafkaClient, type KafkaClient } from "./client.ts";
import { RecordCursor, recordBatches } from "./record-batches.ts";

const { CompressionTypes, Kafka, logLevel } = kafkajs;
const brokers = inject("kafkaBrokers").split(",");
let client: KafkaClient;
const kafka = new Kafka({
  brokers,
  clientId: uniqueName("record-batches"),
  logLevel: logLevel.NOTHING,
});

beforeAll(() => {
  client = createKafkaClient({
    brokers,
    clientId: uniqueName("record-batches"),
    logger: createLogger("record-batches-test", "warn"),
    topics: topicNames(uniqueName("record-batches")),
  });
});

afterAll(async () => {
  await client.close();
});

describe("record batches read without kafkajs' decoder", () => {
  it("reads plain and gzip batches, headers, nulls and skips transaction markers", async () => {
    const topic = uniqueName("batches");
    // Record times within the broker's retention (a day on the local one).
    const t0 = Date.now() - 60_000;
    await client.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: "k0", value: "plain", timestamp: String(t0), headers: { a: "1", b: ["x", "y"] } },
        { key: null, value: "no key", timestamp: String(t0 + 7) },
        { key: "gone", value: null, timestamp: String(t0 + 9) },
      ],
    });
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: ["ü gzip 1", "gzip 2", "gzip 3"].map((value, i) => ({
        key: `g${String(i)}`,
        value,
        timestamp: String(t0 + 1000 + i),
      })),
    });
    await producer.disconnect();
    const transactional = kafka.producer({
      transactionalId: uniqueName("tx"),
      maxInFlightRequests: 1,
      idempotent: true,
    });
    await transactional.connect();
    const transaction = await transactional.transaction();
    await transaction.send({ topic, messages: [{ key: "t", value: "in a transaction" }] });
    await transaction.commit();
    await transactional.disconnect();

    const reader = client.logReader();
    // 7 data records and the commit marker, which is not a record to the log's
    // readers. A read-committed fetch stops before an open transaction, and the
    // marker is written a moment after `commit` returns.
    const { records, highWatermark } = await waitFor(
      async () => {
        const chunk = await reader.read(topic, 0, 0n);
        return chunk.records.length === 7 ? chunk : undefined;
      },
      { what: "the committed transaction" },
    );
    expect(highWatermark).toBe(8n);
    expect(
      records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null]),
    ).toEqual([
      ["0", "k0", "plain"],
      ["1", null, "no key"],
      ["2", "gone", null],
      ["3", "g0", "ü gzip 1"],
      ["4", "g1", "gzip 2"],
      ["5", "g2", "gzip 3"],
      ["6", "t", "in a transaction"],
    ]);
    expect(records.map((r) => r.timestamp).slice(0, 6)).toEqual([
      t0,
      t0 + 7,
      t0 + 9,
      t0 + 1000,
      t0 + 1001,
      t0 + 1002,
    ]);
    // A repeated header name gives its first value, as the consumers do.
    expect(records[0]?.headers).toEqual({ a: "1", b: "x" });
    expect(records[1]?.headers).toEqual({});
    expect(records.every((r) => r.topic === topic && r.partition === 0)).toBe(true);

    // From the middle of the gzip batch: the broker sends the batch whole.
    expect((await reader.read(topic, 0, 4n)).records.map((r) => r.offset)).toEqual(["4", "5", "6"]);

    // The batches themselves: three, the last a control batch.
    const { batches } = await reader.readBatches(topic, 0, 0n);
    expect(batches.map((b) => [b.baseOffset, b.nextOffset, b.control, b.count])).toEqual([
      [0, 3, false, 3],
      [3, 6, false, 3],
      [6, 7, false, 1],
      [7, 8, true, 1],
    ]);
    const cursor = new RecordCursor().reset(batches[1] ?? expect.fail("no gzip batch"));
    const values: string[] = [];
    while (cursor.next()) values.push(cursor.value()?.toString() ?? "");
    expect(values).toEqual(["ü gzip 1", "gzip 2", "gzip 3"]);
  });

  it("leaves out a trailing partial batch and refuses other message formats", async () => {
    const topic = uniqueName("partial");
    await client.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: "one" }] });
    await producer.send({ topic, messages: [{ value: "two" }] });
    await producer.disconnect();
    const { batches } = await client.logReader().readBatches(topic, 0, 0n, 1 << 20);
    const [first, second] = batches;
    if (!first || !second) throw new Error("expected two batches");
    // The two batches' bytes, the second cut short by one byte.
    const whole = first.bytes.subarray(first.start - 61, second.end);
    expect((await recordBatches(whole)).map((b) => b.baseOffset)).toEqual([0, 1]);
    expect((await recordBatches(whole.subarray(0, whole.length - 1))).length).toBe(1);
    const v1 = Buffer.from(whole);
    v1.writeInt8(1, 16);
    await expect(recordBatches(v1)).rejects.toThrow(/message format v1: only v2/);
  });
});
