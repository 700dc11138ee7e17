// The streamer with two sources side by side (STREAMER_SOURCE=mastodon,bluesky):
// a local Mastodon instance and a local Jetstream that speak the real
// protocols, and the real broker. Matching statuses reach Kafka as posts with
// their source and link, deletions reach the deletions topic, and each source
// is counted apart.
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
import { FakeJetstream, postEvent } from "./fake-jetstream.ts";
import { FakeMastodon, status } from "./fake-mastodon.ts";

const topics = topicNames(uniqueName("mastodon-test"));
const logger = createLogger("mastodon-streamer-test", "warn");
let kafka: KafkaClient;
let streamer: Streamer;
let mastodon: FakeMastodon;
let jetstream: FakeJetstream;

beforeAll(async () => {
  const brokers = inject("kafkaBrokers");
  kafka = createKafkaClient({
    brokers: brokers.split(","),
    clientId: "mastodon-test",
    logger,
    topics,
  });
  await kafka.ensureTopics(coreTopicSpecs(topics, { partitions: 2, replicationFactor: 1 }));
  const producer = await kafka.createProducer();
  await producer.send([topicUpsertRecord(topics, "jalan", "macet OR #banjir")]);
  await producer.disconnect();
  mastodon = await FakeMastodon.start("streamer-test-token");
  jetstream = await FakeJetstream.start();
  streamer = await startStreamer({
    env: loadStreamerEnv({
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: topics.prefix,
      STREAMER_HEALTH_PORT: "0",
      STREAMER_SOURCE: "mastodon, bluesky",
      JETSTREAM_URL: jetstream.url,
      MASTODON_URL: mastodon.url,
      MASTODON_TOKEN: "streamer-test-token",
      MASTODON_STREAMS: "public",
    }),
    logger,
  });
});

afterAll(async () => {
  await streamer.stop();
  await mastodon.close();
  await jetstream.close();
  await kafka.close();
});

/** Reads a topic from the beginning until `done` says it has what it needs. */
async function read<T>(topic: string, decode: (r: never) => T, done: (values: T[]) => boolean) {
  const values: T[] = [];
  const consumer = await kafka.startConsumer<T>({
    groupId: uniqueName("reader"),
    topics: [topic],
    fromBeginning: true,
    decode: decode as never,
    onBatch: async (records) => {
      values.push(...records.map((r) => r.value));
    },
  });
  try {
    await waitFor(() => (done(values) ? true : undefined), { what: topic, timeoutMs: 30_000 });
  } finally {
    await consumer.stop();
  }
  return values;
}

describe("streamer with the mastodon and bluesky sources", () => {
  it("publishes matching posts of both, each with its source, and passes deletions on", async () => {
    await waitFor(() => (mastodon.subscribed > 0 ? true : undefined), { what: "a subscription" });
    await waitFor(() => (jetstream.connections > 0 ? true : undefined), { what: "Jetstream" });
    jetstream.append(postEvent("did:plc:b", "3kb1", { text: "jalan macet", langs: ["id"] }));
    const matching = status({ content: "<p>Jalan <b>macet</b> total</p>" });
    const tagged = status({ content: "<p>hujan deras</p>", tags: ["banjir"] });
    const other = status({ content: "<p>cuaca cerah</p>" });
    for (const s of [matching, tagged, other]) {
      mastodon.send("public", "update", JSON.stringify(s));
    }
    mastodon.send("public", "delete", String(matching.id));
    const idOf = (s: Record<string, unknown>) => `${mastodon.url}/api/v1/statuses/${String(s.id)}`;

    const posts = await read(
      topics.preprocessed,
      jsonDecoder(PreprocessedPost),
      (v) => v.length >= 3,
    );
    const bluesky = "at://did:plc:b/app.bsky.feed.post/3kb1";
    expect(posts.map((p) => p.id).sort()).toEqual([idOf(matching), idOf(tagged), bluesky].sort());
    expect(posts.find((p) => p.id === bluesky)?.source).toBe("bluesky");
    expect(posts.find((p) => p.id === idOf(matching))).toMatchObject({
      source: "mastodon",
      text: "Jalan macet total",
      url: `https://fake.social/@warga/${String(matching.id)}`,
      topics: ["jalan"],
    });
    const deletions = await read(topics.deleted, jsonDecoder(PostDeleted), (v) => v.length >= 1);
    expect(deletions).toMatchObject([{ id: idOf(matching), source: "mastodon" }]);
    expect(
      await metricValue(streamer.healthPort, "tweetream_streamer_source_events_total", {
        source: "mastodon",
        outcome: "post",
      }),
    ).toBe(3);
    const published = (source: string) =>
      metricValue(streamer.healthPort, "tweetream_streamer_posts_total", {
        source,
        outcome: "published",
      });
    expect([await published("mastodon"), await published("bluesky")]).toEqual([2, 1]);
    expect(streamer.stats).toMatchObject({ published: 3, deletions: 1, unmatched: 1 });
  });

  it("passes an edit on as the new version and the removal of the earlier ones", async () => {
    const idOf = (s: Record<string, unknown>) => `${mastodon.url}/api/v1/statuses/${String(s.id)}`;
    const before = status({ content: "<p>langit biru</p>" });
    const stays = status({ content: "<p>jalan macet</p>" });
    mastodon.send("public", "update", JSON.stringify(before));
    mastodon.send("public", "update", JSON.stringify(stays));
    // Edited to match, twice in a row (a repeat), and edited so it no longer matches.
    const editedAt = "2026-12-03T09:00:00.000Z";
    const matches = status({ id: String(before.id), content: "<p>macet lagi</p>", editedAt });
    const unmatched = status({ id: String(stays.id), content: "<p>sudah lancar</p>", editedAt });
    mastodon.send("public", "status.update", JSON.stringify(matches));
    mastodon.send("public", "status.update", JSON.stringify(matches));
    mastodon.send("public", "status.update", JSON.stringify(unmatched));

    const ours = (p: PreprocessedPost) => [idOf(before), idOf(stays)].includes(p.id);
    const posts = await read(
      topics.preprocessed,
      jsonDecoder(PreprocessedPost),
      (v) => v.filter(ours).length >= 2,
    );
    // Another partition may hold a repeat the reader has not reached: wait a moment.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const versions = posts.filter(ours).map((p) => [p.id, p.text, p.editedAt]);
    expect(versions).toHaveLength(2);
    expect(versions).toEqual(
      expect.arrayContaining([
        [idOf(stays), "jalan macet", undefined],
        [idOf(before), "macet lagi", editedAt],
      ]),
    );
    const deletions = await read(topics.deleted, jsonDecoder(PostDeleted), (v) => v.length >= 3);
    // The first test's deletion, and one per edit (the repeat is dropped).
    expect(deletions).toHaveLength(3);
    expect(deletions.filter((d) => d.editedAt !== undefined)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: idOf(before), editedAt }),
        expect.objectContaining({ id: idOf(stays), editedAt }),
      ]),
    );
    expect(
      await metricValue(streamer.healthPort, "tweetream_streamer_source_events_total", {
        source: "mastodon",
        outcome: "edit",
      }),
    ).toBe(3);
  });
});
