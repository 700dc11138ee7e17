// The pipeline end to end on a real broker: streamer → preprocessed topic →
// classifier (the real ONNX model) → one Kafka topic per user topic. Every run
// has its own topic prefix and consumer groups.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadClassifierEnv, startClassifier, type Classifier } from "@tweetream/classifier";
import {
  ClassifiedPost,
  coreTopicSpecs,
  createKafkaClient,
  DEAD_LETTER_HEADERS,
  jsonDecoder,
  topicNames,
  type KafkaClient,
  type Producer,
  type RawRecord,
} from "@tweetream/shared";
import {
  metricValue,
  topicDeleteRecord,
  topicUpsertRecord,
  uniqueName,
  waitFor,
} from "@tweetream/shared/testing";
import { loadStreamerEnv, ManualSource, startStreamer, type Streamer } from "@tweetream/streamer";

const brokers = inject("kafkaBrokers");
const topics = topicNames(uniqueName("e2e"));
/** Every log line of both services, at debug: the per-post lines carry the post id. */
const logLines: string[] = [];
const logger = pino(
  { level: "debug", base: { service: "e2e" } },
  { write: (line: string) => logLines.push(line) },
);
const messagesAbout = (postId: string) =>
  logLines
    .filter((line) => line.includes(`"postId":${JSON.stringify(postId)}`))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);

let kafka: KafkaClient;
let control: Producer;
let streamer: Streamer;
let classifier: Classifier;
const source = new ManualSource();
const post = (text: string) => source.post(text, "e2e");
/** Classified posts received per user-topic slug. */
const received = new Map<string, ClassifiedPost[]>();
const deadLetters: RawRecord[] = [];

async function createTopic(slug: string, rule: string) {
  await kafka.ensureTopics([{ topic: topics.user(slug), partitions: 2, replicationFactor: 1 }]);
  await control.send([topicUpsertRecord(topics, slug, rule)]);
}

/** Collects what arrives on a user topic into `received`. */
async function readTopic(slug: string) {
  await kafka.startConsumer<ClassifiedPost>({
    groupId: uniqueName("e2e-reader"),
    topics: [topics.user(slug)],
    fromBeginning: true,
    decode: jsonDecoder(ClassifiedPost),
    onBatch: async (records) => {
      received.set(slug, [...(received.get(slug) ?? []), ...records.map((r) => r.value)]);
    },
  });
}

const ids = (slug: string) => (received.get(slug) ?? []).map((p) => p.id).sort();

beforeAll(async () => {
  kafka = createKafkaClient({ brokers: brokers.split(","), clientId: "e2e", logger, topics });
  await kafka.ensureTopics(coreTopicSpecs(topics, { partitions: 3, replicationFactor: 1 }));
  control = await kafka.createProducer();
  await createTopic("macet", "macet OR kemacetan");
  await createTopic("banjir", "banjir -hoax");

  const common = { KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: topics.prefix, LOG_LEVEL: "warn" };
  classifier = await startClassifier({
    env: loadClassifierEnv({ ...common, CLASSIFIER_HEALTH_PORT: "0" }),
    logger,
  });
  streamer = await startStreamer({
    env: loadStreamerEnv({ ...common, STREAMER_HEALTH_PORT: "0" }),
    logger,
    source,
  });
  await readTopic("macet");
  await readTopic("banjir");
  await kafka.startConsumer<RawRecord>({
    groupId: uniqueName("e2e-dlq"),
    topics: [topics.deadLetter],
    fromBeginning: true,
    decode: (raw) => raw,
    onBatch: async (records) => {
      deadLetters.push(...records.map((r) => r.value));
    },
  });
});

afterAll(async () => {
  await streamer.stop();
  await classifier.stop();
  await kafka.close();
});

describe("pipeline", () => {
  it("delivers each post exactly once to every topic it matches, labelled", async () => {
    const jam = post("Macet total di Jl. Sudirman arah Semanggi, sudah 1 jam gak gerak");
    const jam2 = post("kemacetan panjang di tol Cikampek km 47 pagi ini");
    const both = post("Banjir setinggi lutut bikin macet parah di Kemang");
    const flood = post("banjir lagi di depan rumah, capek banget");
    const hoax = post("banjir besar di Monas? itu hoax");
    const none = post("nonton bola nanti malam yuk");
    source.push([jam, jam2, both, flood, hoax, none]);
    // The same ids again: dropped by the streamer's dedupe window.
    source.push([jam, both]);

    await waitFor(
      () => (ids("macet").length >= 3 && ids("banjir").length >= 2 ? true : undefined),
      { what: "classified posts" },
    );
    // Let any duplicate arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ids("macet")).toEqual([jam.id, jam2.id, both.id].sort());
    expect(ids("banjir")).toEqual([both.id, flood.id].sort());
    const labelled = received.get("macet")?.find((p) => p.id === jam.id);
    expect(labelled).toMatchObject({ label: "traffic", topics: ["macet"], text: jam.text });
    expect(labelled?.score).toBeGreaterThan(0.5);
    expect(labelled?.cleanText).toContain("macet");
    expect(received.get("banjir")?.find((p) => p.id === both.id)?.topics).toEqual([
      "banjir",
      "macet",
    ]);
    expect(streamer.stats.duplicates).toBe(2);
    const port = classifier.healthPort;
    const published = await metricValue(port, "tweetream_classifier_published_total", {
      topic: "macet",
      label: "traffic",
    });
    expect(published).toBeGreaterThanOrEqual(2);
    const latencies = await metricValue(port, "tweetream_pipeline_latency_seconds_count", {
      stage: "classified",
    });
    expect(latencies).toBe(4);
    expect(streamer.stats.unmatched).toBeGreaterThanOrEqual(2);
    expect(messagesAbout(jam.id)).toEqual(
      expect.arrayContaining(["published a post", "classified"]),
    );
  });

  it("starts and stops tagging when topics are created and deleted, without a restart", async () => {
    await createTopic("kecelakaan", "kecelakaan OR tabrakan");
    await readTopic("kecelakaan");
    // Within seconds the new rule is live: keep sending until a post lands.
    const sent: string[] = [];
    await waitFor(
      () => {
        const p = post(`Kecelakaan beruntun di tol Jagorawi nomor ${sent.length}`);
        sent.push(p.id);
        source.push([p]);
        return ids("kecelakaan").length > 0 ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 500, what: "the new topic to receive posts" },
    );

    await control.send([topicDeleteRecord(topics, "macet")]);
    await waitFor(
      async () => {
        const before = ids("macet").length;
        source.push([post("macet lagi di Gatot Subroto")]);
        await new Promise((resolve) => setTimeout(resolve, 700));
        return ids("macet").length === before ? true : undefined;
      },
      { timeoutMs: 15_000, what: "the deleted topic to stop receiving posts" },
    );
  });

  it("labels posts in languages the model does not know not_classified, and says why", async () => {
    const english = { ...post("Flood (banjir) on the toll road, traffic is stuck"), lang: "en" };
    const japanese = { ...post("ジャカルタで banjir、道路が冠水して渋滞しています"), lang: "und" };
    const indonesian = post("banjir di underpass Kemayoran, motor mogok semua");
    source.push([english, japanese, indonesian]);
    const want = [english.id, japanese.id, indonesian.id];
    await waitFor(() => (want.every((id) => ids("banjir").includes(id)) ? true : undefined), {
      what: "the three posts",
    });
    const byId = new Map((received.get("banjir") ?? []).map((p) => [p.id, p]));
    expect(byId.get(english.id)).toMatchObject({
      label: "not_classified",
      score: 0,
      gate: { language: "en", by: "tag" },
    });
    expect(byId.get(japanese.id)).toMatchObject({
      label: "not_classified",
      gate: { language: "ja", by: "detector" },
    });
    expect(byId.get(indonesian.id)?.label).not.toBe("not_classified");
    expect(byId.get(indonesian.id)?.gate).toBeUndefined();
    expect(classifier.stats.notClassified).toBeGreaterThanOrEqual(2);
    expect(
      await metricValue(classifier.healthPort, "tweetream_classifier_posts_total", {
        outcome: "not_classified",
      }),
    ).toBeGreaterThanOrEqual(2);
  });

  it("dead-letters a malformed post and keeps classifying", async () => {
    const producer = await kafka.createProducer();
    await producer.send([
      { topic: topics.preprocessed, key: "bad-1", value: "{not json" },
      { topic: topics.preprocessed, key: "bad-2", value: JSON.stringify({ v: 2, id: "bad-2" }) },
    ]);
    await producer.disconnect();
    const after = post("banjir di underpass Kemayoran, motor mogok semua");
    source.push([after]);
    await waitFor(() => (ids("banjir").includes(after.id) ? true : undefined), {
      what: "a post after the malformed ones",
    });
    await waitFor(() => (deadLetters.length >= 2 ? true : undefined), { what: "dead letters" });
    const reasons = deadLetters.map((d) => [
      d.key?.toString() ?? "",
      d.headers[DEAD_LETTER_HEADERS.reason] ?? "",
    ]);
    expect(reasons.sort()).toEqual([
      ["bad-1", "invalid-json"],
      ["bad-2", "invalid-schema"],
    ]);
    const counted = (reason: string) =>
      metricValue(classifier.healthPort, "tweetream_dead_letters_total", { reason });
    expect([await counted("invalid-json"), await counted("invalid-schema")]).toEqual([1, 1]);
  });
});
