// Rule previews over the preprocessed-posts topic, against a real broker:
// counts recounted with the streamer's own matcher, labels found in the
// topics' logs or unknown, the limits, the sample's order, expired ranges.
import {
  ClassifiedPost,
  encodeMessage,
  PreprocessedPost,
  topicNames,
  type KafkaClient,
  type PostLabel,
} from "@tweetream/shared";
import { uniqueName } from "@tweetream/shared/testing";
import { RuleSyntaxError, TopicMatcher } from "@tweetream/text";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifiedPost, preprocessedPost } from "../hub/hub-fixtures.ts";
import { T0, testKafka } from "./history-fixtures.ts";
import { HistoryExpiredError, kafkaLogSource, type LogSource } from "./log-range.ts";
import { RulePreviewer, type RulePreviewResult } from "./rule-preview.ts";

const topics = topicNames(uniqueName("preview"));
const TEXTS = [
  "Macet parah di Jl. Sudirman arah Semanggi",
  "lalin padat merayap di simpang Gayamsari #lalinSMG",
  "Aku gak suka hujan, tapi suka MACET-macetan",
  "Kemacetan panjang di tol Cikampek",
  "banjir lagi di Kemang, jalan tergenang",
  "Ngopi dulu ah, oke tapi tidak pakai gula",
];
const POSTS = 300;

interface Seeded {
  id: string;
  text: string;
  timestamp: number;
  topic: "lalu-lintas" | "umum" | "gone";
  /** The label written to its topic's log; undefined: never classified. */
  label: PostLabel | undefined;
}

/** Post i at T0 + 10 s × i on partition i % 3; every 7th is never classified; "gone" has no log. */
const posts: Seeded[] = Array.from({ length: POSTS }, (_, i) => ({
  id: `pv${String(i).padStart(4, "0")}`,
  text: TEXTS[i % TEXTS.length] ?? "",
  timestamp: T0 + i * 10_000,
  topic: i % 10 === 9 ? "gone" : i % 2 === 0 ? "lalu-lintas" : "umum",
  label: i % 7 === 3 ? undefined : i % 3 === 0 ? "non_traffic" : "traffic",
}));
const END = T0 + POSTS * 10_000;

let kafka: KafkaClient;
let previewer: RulePreviewer;
const previewers: RulePreviewer[] = [];

/** `made`, closed (its scan workers stopped) after the tests. */
function opened(made: RulePreviewer): RulePreviewer {
  previewers.push(made);
  return made;
}

function preprocessed(p: Seeded): PreprocessedPost {
  return { ...preprocessedPost(p.id, p.topic), text: p.text };
}

beforeAll(async () => {
  kafka = testKafka("preview-test", topics);
  await kafka.ensureTopics([
    { topic: topics.preprocessed, partitions: 3, replicationFactor: 1 },
    { topic: topics.user("lalu-lintas"), partitions: 2, replicationFactor: 1 },
    { topic: topics.user("umum"), partitions: 1, replicationFactor: 1 },
  ]);
  const producer = await kafka.createProducer();
  for (let at = 0; at < POSTS; at += 50) {
    const batch = posts.slice(at, at + 50);
    await producer.send([
      ...batch.map((p, i) => ({
        topic: topics.preprocessed,
        key: p.id,
        partition: (at + i) % 3,
        timestamp: p.timestamp,
        value: encodeMessage(PreprocessedPost, preprocessed(p)),
      })),
      ...batch.flatMap((p) =>
        p.label === undefined || p.topic === "gone"
          ? []
          : [
              {
                topic: topics.user(p.topic),
                key: p.id,
                // The classifier writes a moment later.
                timestamp: p.timestamp + 40,
                value: encodeMessage(ClassifiedPost, {
                  ...classifiedPost(p.id, p.label, p.topic),
                  text: p.text,
                }),
              },
            ],
      ),
    ]);
  }
  // Not a post: scanned, never matched.
  await producer.send([
    { topic: topics.preprocessed, key: "bad", partition: 0, timestamp: END - 5, value: "{macet" },
  ]);
  await producer.disconnect();
  previewer = opened(
    new RulePreviewer(kafkaLogSource(kafka, topics), topics.preprocessed, {
      timeLimitMs: 30_000,
      maxScanned: 1_000_000,
      topicExists: (slug: string) => slug !== "gone",
    }),
  );
});

afterAll(async () => {
  await Promise.all(previewers.map((made) => made.close()));
  await kafka.close();
});

/** What the streamer's matcher says of `rule` over the seeded posts in [from, to). */
function recount(rule: string, from = T0, to = END + 1) {
  const matcher = new TopicMatcher();
  matcher.set("rule", rule);
  const hits = posts.filter(
    (p) => p.timestamp >= from && p.timestamp < to && matcher.match(p.text, "id").length > 0,
  );
  const labels = { traffic: 0, nonTraffic: 0, notClassified: 0, unknown: 0 };
  for (const p of hits) {
    if (p.topic === "gone" || p.label === undefined) labels.unknown++;
    else if (p.label === "traffic") labels.traffic++;
    else labels.nonTraffic++;
  }
  return { hits, labels };
}

describe("RulePreviewer", () => {
  it.each([
    "macet",
    "macet OR lalin",
    "(macet OR banjir) -sudirman",
    '"jalan tergenang"',
    "#lalinsmg",
    "tapi lang:id",
  ])("counts exactly what the streamer's matcher matches, with labels: %s", async (rule) => {
    const result = await previewer.preview({ rule, from: T0, to: END + 1, first: 5 });
    const { hits, labels } = recount(rule);
    expect(hits.length).toBeGreaterThan(0);
    expect(result.matched).toBe(hits.length);
    expect(result.labels).toEqual(labels);
    expect(result.scanned).toBe(POSTS + 1);
    expect(result.total).toBe(POSTS + 1);
    expect(result.complete).toBe(true);
  });

  it("samples the newest matched posts, newest first, with their labels", async () => {
    const result = await previewer.preview({ rule: "macet", from: T0, to: END + 1, first: 4 });
    const newest = recount("macet").hits.slice(-4).reverse();
    expect(result.sample.map((s) => s.post.id)).toEqual(newest.map((p) => p.id));
    expect(result.sample.map((s) => s.label)).toEqual(
      newest.map((p) => (p.topic === "gone" ? undefined : p.label)),
    );
    expect(result.sample[0]?.post.text).toBe(newest[0]?.text);
  });

  it("covers only [from, to)", async () => {
    const from = T0 + 100 * 10_000;
    const to = T0 + 200 * 10_000;
    const result = await previewer.preview({ rule: "macet OR banjir", from, to, first: 0 });
    expect(result.total).toBe(100);
    expect(result.matched).toBe(recount("macet OR banjir", from, to).hits.length);
    expect(result.sample).toEqual([]);
  });

  it("stops at its post limit with complete: false, having scanned the newest posts", async () => {
    const limited = opened(
      new RulePreviewer(kafkaLogSource(kafka, topics), topics.preprocessed, {
        timeLimitMs: 30_000,
        maxScanned: 60,
        topicExists: (slug: string) => slug !== "gone",
      }),
    );
    const result = await limited.preview({ rule: "macet", from: T0, to: END, first: 20 });
    expect(result.complete).toBe(false);
    expect(result.scanned).toBe(60);
    expect(result.total).toBe(POSTS + 1);
    // Each partition is read from its top: the sample is among the newest posts.
    const oldestSampled = Math.min(...result.sample.map((s) => s.timestamp));
    expect(oldestSampled).toBeGreaterThanOrEqual(T0 + (POSTS - 90) * 10_000);
    expect(result.matched).toBeLessThan(recount("macet", T0, END).hits.length);
  });

  it("stops at its time limit with complete: false", async () => {
    const hurried = opened(
      new RulePreviewer(kafkaLogSource(kafka, topics), topics.preprocessed, {
        timeLimitMs: 0,
        maxScanned: 1_000_000,
        topicExists: (slug: string) => slug !== "gone",
      }),
    );
    const result = await hurried.preview({ rule: "macet", from: T0, to: END, first: 5 });
    expect(result.complete).toBe(false);
    expect(result.scanned).toBe(0);
  });

  it("reports progress during a scan", async () => {
    const seen: RulePreviewResult[] = [];
    const slow = opened(
      new RulePreviewer(
        {
          ...kafkaLogSource(kafka, topics),
          reader: {
            // The real reader, a little slower, so progress comes up.
            read: (...args) => kafkaLogSource(kafka, topics).reader.read(...args),
            readBatches: async (...args) => {
              await new Promise((resolve) => setTimeout(resolve, 150));
              return kafkaLogSource(kafka, topics).reader.readBatches(...args);
            },
          },
        },
        topics.preprocessed,
        {
          timeLimitMs: 30_000,
          maxScanned: 1_000_000,
          topicExists: (slug: string) => slug !== "gone",
          chunkRecords: 10,
        },
      ),
    );
    const result = await slow.preview({
      rule: "macet",
      from: T0,
      to: END,
      first: 5,
      onProgress: (partial) => seen.push(partial),
    });
    expect(result.complete).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => !p.complete && p.scanned <= result.scanned)).toBe(true);
  });

  it("finds labels written long after their posts, which go by before the scan reaches them", async () => {
    const late = topicNames(uniqueName("preview-late"));
    await kafka.ensureTopics([
      { topic: late.preprocessed, partitions: 2, replicationFactor: 1 },
      { topic: late.user("lalu-lintas"), partitions: 1, replicationFactor: 1 },
    ]);
    const ids = Array.from({ length: 100 }, (_, i) => `late${String(i).padStart(3, "0")}`);
    const at = (i: number) => T0 + i * 10_000;
    // Every tenth post of the first forty is classified ten minutes late: its
    // label comes after the others in the log, newer than most posts.
    const isLate = (i: number) => i % 10 === 0 && i < 40;
    const label = (i: number, timestamp: number) => ({
      topic: late.user("lalu-lintas"),
      key: ids[i] ?? "",
      timestamp,
      value: encodeMessage(ClassifiedPost, {
        ...classifiedPost(ids[i] ?? "", i % 3 === 0 ? "non_traffic" : "traffic", "lalu-lintas"),
        text: "macet",
      }),
    });
    const producer = await kafka.createProducer();
    await producer.send(
      ids.map((id, i) => ({
        topic: late.preprocessed,
        key: id,
        partition: i % 2,
        timestamp: at(i),
        value: encodeMessage(PreprocessedPost, {
          ...preprocessedPost(id, "lalu-lintas"),
          text: "macet",
        }),
      })),
    );
    // In batches of five, as a classifier writes them.
    for (let i = 0; i < ids.length; i += 5) {
      const on = [0, 1, 2, 3, 4].map((k) => i + k).filter((k) => !isLate(k));
      await producer.send(on.map((k) => label(k, at(k) + 40)));
    }
    await producer.send(ids.flatMap((_, i) => (isLate(i) ? [label(i, at(i) + 600_000)] : [])));
    await producer.disconnect();
    // Small chunks and a slower scan, so the topic's log is followed while the scan runs.
    const source = kafkaLogSource(kafka, late);
    const slowScan: LogSource = {
      ...source,
      reader: {
        read: (...args) => source.reader.read(...args),
        readBatches: async (...args) => {
          if (args[0] === late.preprocessed) await sleep(20);
          return source.reader.readBatches(...args);
        },
      },
    };
    const previewer = opened(
      new RulePreviewer(slowScan, late.preprocessed, {
        timeLimitMs: 30_000,
        maxScanned: 1_000_000,
        chunkRecords: 5,
      }),
    );
    const result = await previewer.preview({ rule: "macet", from: T0, to: at(100), first: 20 });
    const nonTraffic = ids.filter((_, i) => i % 3 === 0).length;
    expect(result.matched).toBe(100);
    expect(result.labels).toEqual({
      traffic: 100 - nonTraffic,
      nonTraffic,
      notClassified: 0,
      unknown: 0,
    });
  });

  it("refuses a bad rule with its position", async () => {
    const error: unknown = await previewer
      .preview({ rule: "macet (", first: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleSyntaxError);
    expect((error as RuleSyntaxError).position).toBe(7);
  });

  it("refuses a range older than retention kept; a defaulted from starts at the oldest kept", async () => {
    const expiring = topicNames(uniqueName("preview-expiry"));
    await kafka.ensureTopics([
      { topic: expiring.preprocessed, partitions: 1, replicationFactor: 1 },
    ]);
    const producer = await kafka.createProducer();
    await producer.send(
      posts.slice(0, 20).map((p) => ({
        topic: expiring.preprocessed,
        key: p.id,
        timestamp: p.timestamp,
        value: encodeMessage(PreprocessedPost, preprocessed(p)),
      })),
    );
    await producer.disconnect();
    await kafka.deleteRecords(expiring.preprocessed, [{ partition: 0, offset: "5" }]);
    const expired = opened(
      new RulePreviewer(
        kafkaLogSource(kafka, expiring),
        expiring.preprocessed,
        // Its topics have no logs here.
        { timeLimitMs: 30_000, maxScanned: 1_000_000, topicExists: () => false },
        () => T0 + 20 * 10_000,
      ),
    );
    const error: unknown = await expired
      .preview({ rule: "macet", from: T0, first: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryExpiredError);
    expect((error as HistoryExpiredError).oldestAvailable).toBe(T0 + 5 * 10_000);
    const clamped = await expired.preview({ rule: "macet", first: 5 });
    expect(clamped.from).toBe(T0 + 5 * 10_000);
    expect(clamped.total).toBe(15);
  });
});
