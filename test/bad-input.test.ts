// Bad Kafka input on every topic a service consumes: the control topic (read
// by the streamer, the classifier and the web server), the preprocessed topic
// (classifier), a user topic and the deletions topic (web). Each kind of bad
// record goes to the dead-letter topic with its reason in headers, is counted
// in the service's metrics, and the services go on: a good post still reaches
// a subscriber and every service still answers /readyz.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { loadClassifierEnv, startClassifier, type Classifier } from "@tweetream/classifier";
import {
  DEAD_LETTER_HEADERS,
  MAX_MESSAGE_BYTES,
  createKafkaClient,
  createLogger,
  topicNames,
  type KafkaClient,
  type Producer,
  type RawRecord,
} from "@tweetream/shared";
import { metricValue, readinessOf, uniqueName, waitFor } from "@tweetream/shared/testing";
import { loadStreamerEnv, ManualSource, startStreamer, type Streamer } from "@tweetream/streamer";
import { loadWebEnv, startWebServer, type WebServer } from "@tweetream/web";

const brokers = inject("kafkaBrokers");
const topics = topicNames(uniqueName("bad"));
const logger = createLogger("bad-input", "warn");
const ADMIN_TOKEN = "bad-input-test-admin-token-0123456789";
const SLUG = "macet";

let kafka: KafkaClient;
let producer: Producer;
let web: WebServer;
let classifier: Classifier;
let streamer: Streamer;
let client: Client;
const source = new ManualSource();
const deadLetters: RawRecord[] = [];
/** What started so far, stopped in reverse order even when a later start failed. */
const stops: (() => Promise<void>)[] = [];

/** The four kinds of bad record, as [key, value] pairs. */
function badRecords(tag: string): { key: string; value: Buffer; reason: string }[] {
  return [
    // Not UTF-8, not JSON.
    {
      key: `${tag}-garbage`,
      value: Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x80]),
      reason: "invalid-json",
    },
    {
      key: `${tag}-version`,
      value: Buffer.from(JSON.stringify({ v: 99, id: `${tag}-version` })),
      reason: "invalid-schema",
    },
    {
      key: `${tag}-fields`,
      value: Buffer.from(JSON.stringify({ v: 1 })),
      reason: "invalid-schema",
    },
    {
      key: `${tag}-oversized`,
      value: Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20),
      reason: "oversized",
    },
  ];
}

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`http://127.0.0.1:${web.port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

beforeAll(async () => {
  const common = {
    NODE_ENV: "test",
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: topics.prefix,
    KAFKA_TOPIC_PARTITIONS: "2",
    LOG_LEVEL: "warn",
  };
  const dir = mkdtempSync(path.join(tmpdir(), "tweetream-bad-input-"));
  web = await startWebServer({
    env: loadWebEnv({
      ...common,
      DATABASE_URL: `file:${path.join(dir, "catalogue.db")}`,
      PORT: "0",
      WEB_HEALTH_PORT: "0",
      ADMIN_TOKEN,
      WEB_DASHBOARD: "off",
    }),
    logger,
  });
  stops.push(() => web.stop());
  classifier = await startClassifier({
    env: loadClassifierEnv({ ...common, CLASSIFIER_HEALTH_PORT: "0" }),
    logger,
  });
  stops.push(() => classifier.stop());
  streamer = await startStreamer({
    env: loadStreamerEnv({ ...common, STREAMER_HEALTH_PORT: "0" }),
    logger,
    source,
  });
  stops.push(() => streamer.stop());
  kafka = createKafkaClient({ brokers: brokers.split(","), clientId: "bad-input", logger, topics });
  stops.push(() => kafka.close());
  producer = await kafka.createProducer();
  await kafka.startConsumer<RawRecord>({
    groupId: uniqueName("bad-input-dlq"),
    topics: [topics.deadLetter],
    fromBeginning: true,
    decode: (raw) => raw,
    onBatch: async (records) => {
      deadLetters.push(...records.map((r) => r.value));
    },
  });
  const created = await graphql(
    `
      mutation ($input: CreateTopicInput!) {
        createTopic(input: $input) {
          slug
          status
        }
      }
    `,
    { input: { slug: SLUG, name: "Macet", rule: "macet" } },
  );
  expect(created.errors).toBeUndefined();
  client = createClient({
    url: `ws://127.0.0.1:${web.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  stops.push(async () => {
    await client.dispose();
  });
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** Dead letters of `key`, as [reason, original topic, group]. */
const lettersOf = (key: string) =>
  deadLetters
    .filter((d) => d.key?.toString() === key)
    .map((d) => [
      d.headers[DEAD_LETTER_HEADERS.reason],
      d.headers[DEAD_LETTER_HEADERS.topic],
      d.headers[DEAD_LETTER_HEADERS.group],
    ]);

describe("bad Kafka input", () => {
  it("dead-letters every kind on every consumed topic, counts it, and keeps delivering", async () => {
    const received: string[] = [];
    const failures: string[] = [];
    client.subscribe<{ tweetAdded: { id: string } }>(
      { query: `subscription { tweetAdded(topic: "${SLUG}") { id } }` },
      {
        next: (result) => {
          if (result.data) received.push(result.data.tweetAdded.id);
        },
        error: (error: unknown) => {
          failures.push(error instanceof Error ? error.message : JSON.stringify(error));
        },
        complete: () => undefined,
      },
    );
    // The subscription is live once a post sent now arrives.
    await waitFor(
      () => {
        const probe = source.post(`macet di tol dalam kota, percobaan ${received.length}`, "bad");
        source.push([probe]);
        if (failures.length > 0) throw new Error(`subscription failed: ${failures.join("; ")}`);
        return received.length > 0 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: "a first post at the subscriber" },
    );

    const targets = [
      { topic: topics.control, bad: badRecords("control") },
      { topic: topics.preprocessed, bad: badRecords("preprocessed") },
      { topic: topics.user(SLUG), bad: badRecords("user") },
      { topic: topics.deleted, bad: badRecords("deleted") },
    ];
    await producer.send(
      targets.flatMap(({ topic, bad }) => bad.map(({ key, value }) => ({ topic, key, value }))),
    );
    const after = source.post("macet parah di Jl. Gatot Subroto setelah sampah", "bad");
    source.push([after]);
    await waitFor(() => (received.includes(after.id) ? true : undefined), {
      timeoutMs: 60_000,
      what: "a good post after the bad records",
    });

    // The control topic is read by three services (a consumer group each), so
    // each of its bad records is set aside three times; the others once.
    const expected = targets.flatMap(({ topic, bad }) =>
      bad.map(({ key, reason }) => ({
        key,
        reason,
        topic,
        copies: topic === topics.control ? 3 : 1,
      })),
    );
    await waitFor(
      () =>
        expected.every(({ key, copies }) => lettersOf(key).length >= copies) ? true : undefined,
      { timeoutMs: 60_000, what: "every dead letter" },
    );
    for (const { key, reason, topic, copies } of expected) {
      const letters = lettersOf(key);
      expect(letters, key).toHaveLength(copies);
      for (const [gotReason, gotTopic, group] of letters) {
        expect([gotReason, gotTopic], key).toEqual([reason, topic]);
        expect(group, key).toMatch(/\S/);
      }
    }
    const oversized = deadLetters.find((d) => d.key?.toString() === "preprocessed-oversized");
    expect(oversized?.value?.length).toBe(MAX_MESSAGE_BYTES + 1);

    // Counted where they were set aside: the classifier's /metrics counts its
    // preprocessed and control letters; the web server's its user, deletion and control ones.
    const counted = async (port: number, reason: string) =>
      metricValue(port, "tweetream_dead_letters_total", { reason });
    expect(await counted(classifier.healthPort, "invalid-json")).toBe(2);
    expect(await counted(classifier.healthPort, "invalid-schema")).toBe(4);
    expect(await counted(classifier.healthPort, "oversized")).toBe(2);
    expect(await counted(web.healthPort, "invalid-schema")).toBe(6);
    expect(await counted(streamer.healthPort, "oversized")).toBe(1);

    for (const port of [web.healthPort, classifier.healthPort, streamer.healthPort]) {
      expect((await readinessOf(port)).status).toBe(200);
    }
    expect(received.filter((id) => id === after.id)).toHaveLength(1);
  });
});
