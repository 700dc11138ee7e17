// Counts of topics' posts over ranges, kept in the catalogue (SQLite and
// PostgreSQL) and derived from a real broker's logs: they agree with a
// recount of the log, survive a new process, and several processes counting
// at once count each post once.
import { openCatalogue, type Catalogue } from "@tweetream/catalogue";
import { freshDatabase, testDatabases, type FreshDatabase } from "@tweetream/catalogue/testing";
import {
  createKafkaClient,
  createLogger,
  topicNames,
  type KafkaClient,
  type PostLabel,
} from "@tweetream/shared";
import { uniqueName } from "@tweetream/shared/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LABEL_FIELD, noCounts, type LabelCounts } from "../hub/index.ts";
import { seedTopic, T0, type SeededPost } from "./history-fixtures.ts";
import {
  kafkaLogSource,
  partitionRanges,
  postOf,
  readForward,
  type LogSource,
} from "./log-range.ts";
import { BUCKET_MS, bucketFor, TopicCounts, type BucketSize } from "./topic-counts.ts";

const logger = createLogger("topic-counts-test", "warn");
const LABELS: PostLabel[] = ["traffic", "non_traffic", "not_classified"];

/** `count` posts over about 4 hours from T0 - 3 h, on 3 partitions, clocks skewed. */
function spreadPosts(count: number, prefix: string): SeededPost[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    partition: i % 3,
    // 25 s apart, so posts land on every minute, hour boundary and a UTC day or two.
    timestamp: T0 - 3 * 3_600_000 + i * 25_000 - (i % 3 === 2 ? 90_000 : 0),
    label: LABELS[i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0] ?? "traffic",
  }));
}

/** Counts per bucket of [from, to) by reading the whole log again. */
async function recount(
  source: LogSource,
  slug: string,
  from: number,
  to: number,
  bucket: BucketSize,
): Promise<{ buckets: Map<number, LabelCounts>; totals: LabelCounts }> {
  const size = BUCKET_MS[bucket];
  const start = Math.floor(from / size) * size;
  const end = Math.ceil(to / size) * size;
  const topic = source.topicOf(slug);
  const ranges = await partitionRanges(source, topic, {});
  const buckets = new Map<number, LabelCounts>();
  const totals = noCounts();
  for await (const record of readForward(source, topic, ranges)) {
    const label = postOf(record)?.label;
    if (!label || record.timestamp < start || record.timestamp >= end) continue;
    const at = Math.floor(record.timestamp / size) * size;
    const counts = buckets.get(at) ?? noCounts();
    counts[LABEL_FIELD[label]]++;
    totals[LABEL_FIELD[label]]++;
    buckets.set(at, counts);
  }
  return { buckets, totals };
}

for (const { provider, title, skipReason } of testDatabases()) {
  describe.skipIf(skipReason !== undefined)(`TopicCounts on ${title}`, () => {
    const topics = topicNames(uniqueName("counts"));
    let kafka: KafkaClient;
    let source: LogSource;
    let database: FreshDatabase;
    let catalogue: Catalogue;

    async function createTopic(slug: string, posts: SeededPost[]): Promise<void> {
      await catalogue.db.topic.create({
        data: { slug, name: slug, rule: slug, status: "ACTIVE" },
      });
      await seedTopic(kafka, topics, slug, posts);
    }

    const counter = () => new TopicCounts({ db: catalogue.db, source, logger, intervalMs: 50 });

    beforeAll(async () => {
      kafka = createKafkaClient({
        brokers: inject("kafkaBrokers").split(","),
        clientId: uniqueName("counts-test"),
        logger,
        topics,
      });
      source = kafkaLogSource(kafka, topics);
      database = await freshDatabase(provider, { prefix: "counts" });
      catalogue = openCatalogue(database.url);
    });

    afterAll(async () => {
      await catalogue.close();
      await database.dispose();
      await kafka.close();
    });

    it("agrees with a recount of the log for every bucket size, and after a restart", async () => {
      const posts = spreadPosts(600, "a");
      await createTopic("agree", posts);
      const from = T0 - 3 * 3_600_000 + 7 * 60_000 + 13_000;
      const to = T0 + 2 * 3_600_000;
      const first = counter();
      for (const bucket of ["MINUTE", "HOUR", "DAY"] as const) {
        const answer = await first.range("agree", { from, to, bucket });
        const expected = await recount(source, "agree", from, to, bucket);
        expect(answer.bucket).toBe(bucket);
        expect(answer.buckets).toHaveLength(bucketFor(from, to, bucket).count);
        expect(answer.totals).toEqual(expected.totals);
        for (const b of answer.buckets) {
          const { minute, ...counts } = b;
          expect(counts, `${bucket} at ${new Date(minute).toISOString()}`).toEqual(
            expected.buckets.get(minute) ?? noCounts(),
          );
        }
      }
      expect((await first.range("agree", { from, to, bucket: "DAY" })).totals).toEqual(
        (await recount(source, "agree", from, to, "DAY")).totals,
      );
      const all = await first.range("agree", {
        from: T0 - 6 * 3_600_000,
        to: T0 + 2 * 3_600_000,
        bucket: "HOUR",
      });
      expect(all.totals.traffic + all.totals.nonTraffic + all.totals.notClassified).toBe(600);
      expect(all.countedThrough).toBeGreaterThan(T0);

      // A new process reads the same counts from the catalogue, without counting again.
      const second = counter();
      const again = await second.range("agree", { from, to, bucket: "HOUR" });
      expect(again.buckets).toEqual(
        (await first.range("agree", { from, to, bucket: "HOUR" })).buckets,
      );
      const progress = await catalogue.db.topicCountProgress.findMany({
        where: { topic: { slug: "agree" } },
      });
      expect(progress.map((p) => Number(p.nextOffset)).reduce((a, b) => a + b, 0)).toBe(600);
    });

    it("counts new posts as they come, with several processes counting each once", async () => {
      await createTopic("racing", spreadPosts(300, "b"));
      const counters = [counter(), counter(), counter()];
      for (const c of counters) c.start();
      try {
        await seedTopic(kafka, topics, "racing", spreadPosts(300, "c"));
        const range = { from: T0 - 6 * 3_600_000, to: T0 + 2 * 3_600_000, bucket: "HOUR" as const };
        const answers = await Promise.all(counters.map((c) => c.range("racing", range)));
        const expected = await recount(source, "racing", range.from, range.to, "HOUR");
        expect(
          expected.totals.traffic + expected.totals.nonTraffic + expected.totals.notClassified,
        ).toBe(600);
        for (const answer of answers) expect(answer.totals).toEqual(expected.totals);
      } finally {
        await Promise.all(counters.map((c) => c.stop()));
      }
    });

    it("skips records retention removed before they were counted, and a deleted topic's counts go with it", async () => {
      const posts = spreadPosts(90, "d");
      await createTopic("trimmed", posts);
      const topic = topics.user("trimmed");
      await kafka.deleteRecords(topic, [{ partition: 0, offset: "10" }]);
      const range = { from: T0 - 6 * 3_600_000, to: T0 + 2 * 3_600_000, bucket: "DAY" as const };
      const answer = await counter().range("trimmed", range);
      expect(answer.totals.traffic).toBeGreaterThan(0);
      const expected = await recount(source, "trimmed", range.from, range.to, "DAY");
      expect(
        expected.totals.traffic + expected.totals.nonTraffic + expected.totals.notClassified,
      ).toBe(80);
      expect(answer.totals).toEqual(expected.totals);

      const { id } = await catalogue.db.topic.delete({ where: { slug: "trimmed" } });
      expect(await catalogue.db.topicMinuteCount.count({ where: { topicId: id } })).toBe(0);
      expect(await catalogue.db.topicCountProgress.count({ where: { topicId: id } })).toBe(0);
    });
  });
}

describe("bucketFor", () => {
  it("picks the smallest size giving at most 1,440 buckets", () => {
    const day = BUCKET_MS.DAY;
    expect(bucketFor(0, day)).toEqual({ bucket: "MINUTE", count: 1440 });
    expect(bucketFor(0, day + 1)).toEqual({ bucket: "HOUR", count: 25 });
    expect(bucketFor(0, 7 * day).bucket).toBe("HOUR");
    expect(bucketFor(0, 61 * day)).toEqual({ bucket: "DAY", count: 61 });
    expect(bucketFor(30_000, 90_000, "MINUTE")).toEqual({ bucket: "MINUTE", count: 2 });
  });
});
