// Posts per minute per label of every topic over its whole Kafka retention,
// for `topicStats(from, to, bucket)`. The counts are derived from the topics'
// Kafka logs and kept in the catalogue database (TopicMinuteCount), so they
// survive restarts and cost one indexed range read to answer, however long
// the range.
//
// Every web process counts: each pass reads a partition from where the
// counts stand (TopicCountProgress.nextOffset) and adds what it read in ONE
// transaction that also moves that offset on, and only if the offset is still
// where the pass started. A process that loses the race to another drops
// what it read, so each record is counted exactly once however many
// processes run, and a process stopped mid-pass leaves nothing half-counted.
import { Prisma, TopicStatus, type CatalogueClient } from "@tweetream/catalogue";
import type { Logger } from "@tweetream/shared";
import {
  LABEL_FIELD,
  LABEL_FIELDS,
  noCounts,
  type LabelCounts,
  type MinuteBucket,
} from "../hub/index.ts";
import { FETCH_BYTES, postOf, type LogSource } from "./log-range.ts";

const MINUTE_MS = 60_000;

/** Bucket sizes of a range's counts, in ms (DAY: a UTC day). */
export const BUCKET_MS = { MINUTE: MINUTE_MS, HOUR: 60 * MINUTE_MS, DAY: 24 * 60 * MINUTE_MS };
export type BucketSize = keyof typeof BUCKET_MS;

/** Most buckets one answer has. */
export const MAX_BUCKETS = 1440;

/** Records one partition's pass reads before committing (a pass of a long backlog is cut in such steps). */
const RECORDS_PER_PASS = 20_000;
/** Records a query's catch-up reads per topic before answering with what is counted. */
const CATCH_UP_RECORDS = 200_000;

/** Another process moved the offset first: this pass's reads are dropped. */
class LostRace extends Error {}

export interface TopicCountsOptions {
  db: CatalogueClient;
  source: LogSource;
  logger: Logger;
  /** How often every ACTIVE topic is brought up to date. */
  intervalMs: number;
}

/** A range's counts. */
export interface RangeCounts {
  from: number;
  to: number;
  bucket: BucketSize;
  buckets: MinuteBucket[];
  totals: LabelCounts;
  /** Every post recorded before this moment is counted. */
  countedThrough: number;
}

/** The bucket size for [from, to): `asked`, or the smallest giving at most MAX_BUCKETS. */
export function bucketFor(
  from: number,
  to: number,
  asked?: BucketSize,
): { bucket: BucketSize; count: number } {
  const count = (size: BucketSize) => {
    const ms = BUCKET_MS[size];
    return Math.max(1, Math.ceil(to / ms) - Math.floor(from / ms));
  };
  if (asked) return { bucket: asked, count: count(asked) };
  const fitting = (["MINUTE", "HOUR", "DAY"] as const).find((s) => count(s) <= MAX_BUCKETS);
  return { bucket: fitting ?? "DAY", count: count(fitting ?? "DAY") };
}

/** Counts every topic's posts into the catalogue, and answers ranges of them. */
export class TopicCounts {
  readonly #db: CatalogueClient;
  readonly #source: LogSource;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  /** Per topic id, the pass running and the one queued after it: one at a time per topic. */
  readonly #running = new Map<number, Promise<boolean>>();
  readonly #queued = new Map<number, Promise<boolean>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: TopicCountsOptions) {
    this.#db = options.db;
    this.#source = options.source;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs;
  }

  /** Brings every ACTIVE topic up to date now and then every interval. */
  start(): void {
    const tick = () => {
      this.#loop = this.#countAll().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#intervalMs);
      });
    };
    tick();
  }

  /** Stops the timer and waits for the pass under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#loop;
    await Promise.allSettled([...this.#running.values(), ...this.#queued.values()]);
  }

  /**
   * Posts of `slug` per label in [from, to), per `bucket` (whole buckets:
   * the first starts at `from` rounded down). Counts what the log holds first
   * (up to a bound), so a post written before the call is in the answer.
   */
  async range(
    slug: string,
    { from, to, bucket }: { from: number; to: number; bucket: BucketSize },
  ): Promise<RangeCounts> {
    const size = BUCKET_MS[bucket];
    const start = Math.floor(from / size) * size;
    const end = Math.max(start + size, Math.ceil(to / size) * size);
    const topic = await this.#db.topic.findUnique({ where: { slug }, select: { id: true } });
    const buckets: MinuteBucket[] = [];
    for (let at = start; at < end; at += size) {
      buckets.push({ minute: at, ...noCounts() });
    }
    const totals = noCounts();
    if (!topic)
      return { from: start, to: end, bucket, buckets, totals, countedThrough: Date.now() };
    await this.#catchUp(topic.id, slug);
    const [rows, countedThrough] = await Promise.all([
      this.#db.topicMinuteCount.findMany({
        where: { topicId: topic.id, minute: { gte: start / MINUTE_MS, lt: end / MINUTE_MS } },
      }),
      this.#countedThrough(topic.id, slug),
    ]);
    for (const row of rows) {
      const counts = buckets[Math.floor((row.minute * MINUTE_MS - start) / size)];
      if (!counts) continue;
      for (const field of LABEL_FIELDS) {
        counts[field] += row[field];
        totals[field] += row[field];
      }
    }
    return { from: start, to: end, bucket, buckets, totals, countedThrough };
  }

  /** Counts `slug` up to the end of its log, or CATCH_UP_RECORDS per partition at most. */
  async #catchUp(topicId: number, slug: string): Promise<void> {
    for (let read = 0; read < CATCH_UP_RECORDS; read += RECORDS_PER_PASS) {
      if (await this.#count(topicId, slug)) return;
    }
  }

  async #countAll(): Promise<void> {
    try {
      const topics = await this.#db.topic.findMany({
        where: { status: TopicStatus.ACTIVE },
        select: { id: true, slug: true },
      });
      for (const { id, slug } of topics) {
        if (this.#stopped) return;
        // One step per topic per tick, so a topic with a long backlog does not hold the others up.
        await this.#count(id, slug);
      }
    } catch (error) {
      this.#logger.warn(
        { err: error },
        "counting topics' posts failed; trying again next interval",
      );
    }
  }

  /**
   * A pass over `slug` that starts after this call (after the one running,
   * if any; shared with a pass queued and not started yet, which equally
   * starts after this call): true when it reached the end of the log.
   */
  #count(topicId: number, slug: string): Promise<boolean> {
    const queued = this.#queued.get(topicId);
    if (queued) return queued;
    const previous = this.#running.get(topicId);
    const pass = (previous ?? Promise.resolve(true))
      .catch(() => false)
      .then(() => {
        this.#queued.delete(topicId);
        this.#running.set(topicId, pass);
        return this.#pass(topicId, slug);
      })
      .finally(() => {
        if (this.#running.get(topicId) === pass) this.#running.delete(topicId);
      });
    this.#queued.set(topicId, pass);
    return pass;
  }

  async #pass(topicId: number, slug: string): Promise<boolean> {
    const topic = this.#source.topicOf(slug);
    const [ranges, progress] = await Promise.all([
      this.#source.offsetRanges(topic),
      this.#db.topicCountProgress.findMany({ where: { topicId } }),
    ]);
    let done = true;
    for (const { partition, low, high } of ranges) {
      const row = progress.find((p) => p.partition === partition);
      const lo = BigInt(low);
      const hi = BigInt(high);
      // Retention removed records never counted: start at what is kept.
      let next = row && row.nextOffset > lo ? row.nextOffset : lo;
      if (next >= hi) continue;
      const minutes = new Map<number, LabelCounts>();
      let lastTimestamp = row?.lastTimestamp ?? 0n;
      let read = 0;
      while (next < hi && read < RECORDS_PER_PASS) {
        const { records } = await this.#source.reader.read(topic, partition, next, FETCH_BYTES);
        if (records.length === 0) break;
        for (const record of records) {
          const offset = BigInt(record.offset);
          if (offset >= hi) break;
          next = offset + 1n;
          read++;
          lastTimestamp = BigInt(record.timestamp);
          const label = postOf(record)?.label;
          if (label === undefined) continue;
          const minute = Math.floor(record.timestamp / MINUTE_MS);
          let counts = minutes.get(minute);
          if (!counts) {
            counts = noCounts();
            minutes.set(minute, counts);
          }
          counts[LABEL_FIELD[label]]++;
        }
      }
      if (next < hi) done = false;
      try {
        await this.#commit(topicId, partition, row?.nextOffset, { next, lastTimestamp, minutes });
      } catch (error) {
        if (!(error instanceof LostRace)) throw error;
        // Another process counted this stretch first; the next pass starts from where it got to.
        done = false;
      }
    }
    return done;
  }

  /** Adds `minutes` and moves the partition on to `next`, if it still stands at `expected`. */
  async #commit(
    topicId: number,
    partition: number,
    expected: bigint | undefined,
    step: { next: bigint; lastTimestamp: bigint; minutes: Map<number, LabelCounts> },
  ): Promise<void> {
    const { next, lastTimestamp, minutes } = step;
    await this.#db
      .$transaction(
        async (tx) => {
          if (expected === undefined) {
            await tx.topicCountProgress.create({
              data: { topicId, partition, nextOffset: next, lastTimestamp },
            });
          } else {
            const moved = await tx.topicCountProgress.updateMany({
              where: { topicId, partition, nextOffset: expected },
              data: { nextOffset: next, lastTimestamp },
            });
            if (moved.count !== 1) throw new LostRace();
          }
          // One statement per 1,000 minutes (SQLite and PostgreSQL spell an upsert alike).
          const rows = [...minutes];
          for (let at = 0; at < rows.length; at += 1000) {
            const values = rows
              .slice(at, at + 1000)
              .map(
                ([minute, c]) =>
                  Prisma.sql`(${topicId}, ${minute}, ${c.traffic}, ${c.nonTraffic}, ${c.notClassified})`,
              );
            await tx.$executeRaw`
            INSERT INTO "TopicMinuteCount" ("topicId", "minute", "traffic", "nonTraffic", "notClassified")
            VALUES ${Prisma.join(values)}
            ON CONFLICT ("topicId", "minute") DO UPDATE SET
              "traffic" = "TopicMinuteCount"."traffic" + excluded."traffic",
              "nonTraffic" = "TopicMinuteCount"."nonTraffic" + excluded."nonTraffic",
              "notClassified" = "TopicMinuteCount"."notClassified" + excluded."notClassified"`;
          }
        },
        { timeout: 60_000, maxWait: 30_000 },
      )
      .catch((error: unknown) => {
        // Another process started counting this partition first.
        throw isUniqueViolation(error) ? new LostRace() : error;
      });
  }

  /** The moment before which every post of the topic is counted. */
  async #countedThrough(topicId: number, slug: string): Promise<number> {
    const now = Date.now();
    const [ranges, progress] = await Promise.all([
      this.#source.offsetRanges(this.#source.topicOf(slug)),
      this.#db.topicCountProgress.findMany({ where: { topicId } }),
    ]);
    let through = now;
    for (const { partition, low, high } of ranges) {
      if (BigInt(high) <= BigInt(low)) continue;
      const row = progress.find((p) => p.partition === partition);
      if (row && row.nextOffset >= BigInt(high)) continue;
      const at = row ? Number(row.lastTimestamp) : 0;
      if (at < through) through = at;
    }
    return through;
  }
}

/** Prisma's "unique constraint failed" (P2002). */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}
