// The catalogue follower against a real broker: rebuild from the compacted
// control topic, then follow changes live.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  coreTopicSpecs,
  createKafkaClient,
  createLogger,
  followCatalogue,
  topicNames,
  type ControlEvent,
  type KafkaClient,
  type Producer,
} from "../src/index.ts";
import { topicDeleteRecord, topicUpsertRecord, uniqueName, waitFor } from "../src/testing.ts";

const topics = topicNames(uniqueName("follower-test"));
const logger = createLogger("follower-test", "warn");
let kafka: KafkaClient;
let producer: Producer;

const upsert = (slug: string, rule: string) => topicUpsertRecord(topics, slug, rule);
const tombstone = (slug: string) => topicDeleteRecord(topics, slug);

beforeAll(async () => {
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: "follower-test",
    logger,
    topics,
  });
  await kafka.ensureTopics(coreTopicSpecs(topics, { partitions: 1, replicationFactor: 1 }));
  producer = await kafka.createProducer();
});

afterAll(async () => {
  await kafka.close();
});

describe("followCatalogue", () => {
  it("is ready at once on an empty control topic", async () => {
    const empty = topicNames(uniqueName("empty"));
    const client = createKafkaClient({
      brokers: inject("kafkaBrokers").split(","),
      clientId: "follower-test-empty",
      logger,
      topics: empty,
    });
    await client.ensureTopics(coreTopicSpecs(empty, { partitions: 1, replicationFactor: 1 }));
    const follower = await followCatalogue({ kafka: client, logger, service: "test" });
    expect(follower.isReady).toBe(true);
    expect(follower.topics.size).toBe(0);
    await follower.stop();
    await client.close();
  });

  it("rebuilds the catalogue from history, then applies changes live", async () => {
    await producer.send([
      upsert("macet", "macet"),
      upsert("banjir", "banjir"),
      upsert("macet", "macet OR kemacetan"),
      upsert("gone", "x"),
      tombstone("gone"),
    ]);
    const events: ControlEvent[] = [];
    const follower = await followCatalogue({
      kafka,
      logger,
      service: "test",
      onChange: (event) => {
        events.push(event);
      },
    });
    await follower.ready;
    expect([...follower.topics.keys()].sort()).toEqual(["banjir", "macet"]);
    expect(follower.topics.get("macet")?.rule).toBe("macet OR kemacetan");

    await producer.send([upsert("kecelakaan", "kecelakaan"), tombstone("banjir")]);
    await waitFor(
      () =>
        follower.topics.has("kecelakaan") && !follower.topics.has("banjir") ? true : undefined,
      { what: "live changes" },
    );
    expect(events.at(-1)).toEqual({ type: "topic.deleted", slug: "banjir" });
    await follower.stop();
  });
});
