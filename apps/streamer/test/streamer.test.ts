// The streamer in-process with its real synthetic source, against the real broker.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  coreTopicSpecs,
  createKafkaClient,
  createLogger,
  jsonDecoder,
  PreprocessedPost,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import {
  metricValue,
  readinessOf,
  topicUpsertRecord,
  uniqueName,
  waitFor,
} from "@tweetream/shared/testing";
import { loadStreamerEnv, startStreamer, type Streamer } from "../src/index.ts";

const topics = topicNames(uniqueName("streamer-test"));
const logger = createLogger("streamer-test", "warn");
let kafka: KafkaClient;
let streamer: Streamer;

beforeAll(async () => {
  const brokers = inject("kafkaBrokers");
  kafka = createKafkaClient({
    brokers: brokers.split(","),
    clientId: "streamer-test",
    logger,
    topics,
  });
  await kafka.ensureTopics(coreTopicSpecs(topics, { partitions: 3, replicationFactor: 1 }));
  const producer = await kafka.createProducer();
  await producer.send([
    topicUpsertRecord(topics, "jalan", "macet OR padat OR lancar OR kecelakaan"),
  ]);
  await producer.disconnect();
  const env = loadStreamerEnv({
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: topics.prefix,
    STREAMER_HEALTH_PORT: "0",
    SYNTHETIC_RATE: "5000",
    SYNTHETIC_LIMIT: "1000",
    SYNTHETIC_SEED: "7",
  });
  streamer = await startStreamer({ env, logger });
});

afterAll(async () => {
  await streamer.stop();
  await kafka.close();
});

describe("streamer", () => {
  it("reports ready once connected to Kafka", async () => {
    expect(await readinessOf(streamer.healthPort)).toEqual({
      status: 200,
      body: { ok: true, checks: { kafka: "ok" } },
    });
  });

  it("publishes the synthetic posts that match a topic, cleaned and tagged, and counts the rest", async () => {
    await streamer.finished;
    const { received, published, unmatched, duplicates, invalid } = streamer.stats;
    expect(received).toBe(1000);
    expect(published + unmatched + duplicates + invalid).toBe(received);
    expect(published).toBeGreaterThan(100);
    expect(unmatched).toBeGreaterThan(100);

    const posts: PreprocessedPost[] = [];
    const consumer = await kafka.startConsumer<PreprocessedPost>({
      groupId: uniqueName("reader"),
      topics: [topics.preprocessed],
      fromBeginning: true,
      decode: jsonDecoder(PreprocessedPost),
      onBatch: async (records) => {
        posts.push(...records.map((r) => r.value));
      },
    });
    await waitFor(() => (posts.length >= published ? true : undefined), { what: "all posts" });
    await consumer.stop();
    expect(posts).toHaveLength(published);
    expect(new Set(posts.map((p) => p.id)).size).toBe(published);
    expect(posts.every((p) => p.source === "synthetic" && p.topics.join() === "jalan")).toBe(true);
    expect(posts.every((p) => /\b(macet|padat|lancar|kecelakaan)\b/i.test(p.text))).toBe(true);
    expect(
      posts.every((p) => p.cleanText !== "" && p.cleanText === p.cleanText.toLowerCase()),
    ).toBe(true);

    const port = streamer.healthPort;
    const postsTotal = (outcome: string) =>
      metricValue(port, "tweetream_streamer_posts_total", { outcome, service: "streamer" });
    expect(await postsTotal("published")).toBe(published);
    expect(await postsTotal("unmatched")).toBe(unmatched);
    expect(await metricValue(port, "tweetream_streamer_tagged_total", { topic: "jalan" })).toBe(
      published,
    );
  });

  it("refuses a file source without a path, naming the variable", () => {
    expect(() => loadStreamerEnv({ STREAMER_SOURCE: "file" })).toThrow(
      /FILE_PATH is required but not set \(needed when STREAMER_SOURCE=file\)/,
    );
  });
});
