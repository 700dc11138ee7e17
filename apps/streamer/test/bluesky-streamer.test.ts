// The streamer with its bluesky source, a local Jetstream that keeps dropping
// the connection, and the real broker: every post reaches Kafka exactly once.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  coreTopicSpecs,
  createKafkaClient,
  createLogger,
  jsonDecoder,
  PostDeleted,
  PreprocessedPost,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import { metricValue, topicUpsertRecord, uniqueName, waitFor } from "@tweetream/shared/testing";
import { loadStreamerEnv, startStreamer, type Streamer } from "../src/index.ts";
import { deleteEvent, FakeJetstream, likeEvent, nextTimeUs, postEvent } from "./fake-jetstream.ts";

const topics = topicNames(uniqueName("bluesky-test"));
const logger = createLogger("bluesky-test", "warn");
let kafka: KafkaClient;
let streamer: Streamer;
let jetstream: FakeJetstream;

beforeAll(async () => {
  const brokers = inject("kafkaBrokers");
  kafka = createKafkaClient({
    brokers: brokers.split(","),
    clientId: "bluesky-test",
    logger,
    topics,
  });
  await kafka.ensureTopics(coreTopicSpecs(topics, { partitions: 3, replicationFactor: 1 }));
  const producer = await kafka.createProducer();
  await producer.send([topicUpsertRecord(topics, "jalan", "macet OR #banjir")]);
  await producer.disconnect();
  jetstream = await FakeJetstream.start();
  jetstream.dropAfter = 50;
  streamer = await startStreamer({
    env: loadStreamerEnv({
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: topics.prefix,
      STREAMER_HEALTH_PORT: "0",
      STREAMER_SOURCE: "bluesky",
      JETSTREAM_URL: jetstream.url,
    }),
    logger,
  });
});

afterAll(async () => {
  await streamer.stop();
  await jetstream.close();
  await kafka.close();
});

describe("streamer with the bluesky source", () => {
  it("publishes every matching post once, with its source and link, across dropped connections", async () => {
    await waitFor(() => (jetstream.connections > 0 ? true : undefined), { what: "a connection" });
    // One event a second of Jetstream time: a reconnect rewinds 5 s, so 5 events.
    const events = Array.from({ length: 400 }, (_, i) =>
      i % 4 === 3
        ? likeEvent("did:plc:liker", `3kl${String(i)}`, nextTimeUs(1_000_000))
        : postEvent(
            `did:plc:a${String(i % 5)}`,
            `3kp${String(i)}`,
            {
              text: i % 2 === 0 ? `jalan macet ${String(i)}` : `cuaca cerah ${String(i)}`,
              langs: ["id"],
              // Tagged beside the text only: the rule's #banjir matches it.
              ...(i % 10 === 1 ? { tags: ["banjir"] } : {}),
            },
            nextTimeUs(1_000_000),
          ),
    );
    jetstream.append(...events);
    const expected = new Set(
      events.flatMap((event, i) =>
        event.kind === "commit" && i % 4 !== 3 && (i % 2 === 0 || i % 10 === 1)
          ? [`at://${event.did}/app.bsky.feed.post/3kp${String(i)}`]
          : [],
      ),
    );

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
    await waitFor(
      () => (new Set(posts.map((p) => p.id)).size >= expected.size ? true : undefined),
      { what: "every matching post", timeoutMs: 30_000 },
    );
    // A little longer, so a late repeat would be seen.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await consumer.stop();

    expect(posts.map((p) => p.id).sort()).toEqual([...expected].sort());
    expect(posts.every((p) => p.source === "bluesky" && p.topics.join() === "jalan")).toBe(true);
    const first = posts.find((p) => p.id.endsWith("/3kp0"));
    expect(first).toMatchObject({
      url: "https://bsky.app/profile/did:plc:a0/post/3kp0",
      author: { id: "did:plc:a0", username: "" },
      lang: "id",
    });
    expect(jetstream.requests.length).toBeGreaterThan(5);

    const port = streamer.healthPort;
    expect(
      await metricValue(port, "tweetream_streamer_source_reconnects_total", { source: "bluesky" }),
    ).toBeGreaterThan(5);
    expect(
      await metricValue(port, "tweetream_streamer_source_events_total", {
        source: "bluesky",
        outcome: "post",
      }),
    ).toBeGreaterThanOrEqual(300);
    expect(
      await metricValue(port, "tweetream_streamer_posts_total", { outcome: "duplicates" }),
    ).toBeGreaterThan(0);
  });

  it("passes every deletion on to the deletions topic, of matching posts or not", async () => {
    jetstream.append(
      postEvent("did:plc:d", "3kd1", { text: "jalan macet parah", langs: ["id"] }),
      deleteEvent("did:plc:d", "3kd1"),
      deleteEvent("did:plc:other", "3kd2"),
    );
    const deletions: PostDeleted[] = [];
    const consumer = await kafka.startConsumer<PostDeleted>({
      groupId: uniqueName("deletions"),
      topics: [topics.deleted],
      fromBeginning: true,
      decode: jsonDecoder(PostDeleted),
      onBatch: async (records) => {
        deletions.push(...records.map((r) => r.value));
      },
    });
    try {
      await waitFor(() => (deletions.length >= 2 ? true : undefined), {
        what: "both deletions",
        timeoutMs: 30_000,
      });
    } finally {
      await consumer.stop();
    }
    // At least once: a reconnect rewinds the cursor, and web processes take repeats in their stride.
    expect(new Set(deletions.map((d) => d.id))).toEqual(
      new Set([
        "at://did:plc:d/app.bsky.feed.post/3kd1",
        "at://did:plc:other/app.bsky.feed.post/3kd2",
      ]),
    );
    expect(deletions.every((d) => d.source === "bluesky")).toBe(true);
    expect(streamer.stats.deletions).toBeGreaterThanOrEqual(2);
  });

  it("refuses a JETSTREAM_URL that is not a WebSocket URL, naming the variable and the fix", () => {
    expect(() =>
      loadStreamerEnv({ STREAMER_SOURCE: "bluesky", JETSTREAM_URL: "https://example.com" }),
    ).toThrow(/JETSTREAM_URL.*ws:\/\/ or wss:\/\//);
  });
});
