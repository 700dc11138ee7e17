// A time range of a topic's Kafka log, as offsets. A moment maps to one offset
// per partition: the first record at or after it by record timestamp (Kafka's
// ListOffsets by time). So the range [from, to) is, in each partition, the
// offsets [offset(from), offset(to)). Pages (log-pages.ts) read such ranges
// from the top down, exports and replays from the bottom up (here).
import {
  ClassifiedPost,
  jsonDecoder,
  OffsetOutOfRangeError,
  type KafkaClient,
  type LogReader,
  type RawRecord,
  type TopicNames,
} from "@tweetream/shared";

/** What history reads need of the Kafka client. */
export interface LogSource {
  reader: Pick<LogReader, "read" | "readBatches">;
  offsetRanges(topic: string): Promise<{ partition: number; low: string; high: string }[]>;
  offsetsAtTime(topic: string, timestamp: number): Promise<{ partition: number; offset: string }[]>;
  /** The Kafka topic of a user topic. */
  topicOf(slug: string): string;
}

/** History reads through `kafka`, with one LogReader for the process. */
export function kafkaLogSource(kafka: KafkaClient, topics: TopicNames): LogSource {
  return {
    reader: kafka.logReader(),
    offsetRanges: (topic) => kafka.offsetRanges(topic),
    offsetsAtTime: (topic, at) => kafka.offsetsAtTime(topic, at),
    topicOf: (slug) => topics.user(slug),
  };
}

/** The range asked for reaches back before the oldest post Kafka still keeps. */
export class HistoryExpiredError extends Error {
  /** The oldest moment whose posts are all still kept (epoch ms). */
  readonly oldestAvailable: number;

  constructor(oldestAvailable: number) {
    super(
      `posts before ${new Date(oldestAvailable).toISOString()} are no longer kept (Kafka retention); start the range at or after it`,
    );
    this.oldestAvailable = oldestAvailable;
  }
}

/** A moment range: `from` inclusive, `to` exclusive, epoch ms; either open. */
export interface TimeRange {
  from?: number | undefined;
  to?: number | undefined;
}

/** One partition's offsets in a range: [lo, hi). */
export interface PartitionRange {
  partition: number;
  lo: bigint;
  hi: bigint;
}

/** Bytes asked for per fetch. */
export const FETCH_BYTES = 1024 * 1024;

const decodePost = jsonDecoder(ClassifiedPost);

/** The post a record holds, or undefined when it is not one (the live consumer dead-letters those). */
export function postOf(record: RawRecord): ClassifiedPost | undefined {
  try {
    return decodePost(record);
  } catch {
    return undefined;
  }
}

/**
 * Each partition's offsets in `range`. Throws HistoryExpiredError when `from`
 * is older than the oldest moment Kafka still keeps whole.
 */
export async function partitionRanges(
  source: LogSource,
  topic: string,
  { from, to }: TimeRange,
): Promise<PartitionRange[]> {
  const [ranges, starts, ends] = await Promise.all([
    source.offsetRanges(topic),
    from === undefined ? undefined : source.offsetsAtTime(topic, from),
    to === undefined ? undefined : source.offsetsAtTime(topic, to),
  ]);
  if (from !== undefined) {
    const oldest = await oldestKept(source, topic, ranges);
    if (oldest !== undefined && from < oldest) throw new HistoryExpiredError(oldest);
  }
  const offsetIn = (list: { partition: number; offset: string }[] | undefined, p: number) => {
    const found = list?.find((o) => o.partition === p);
    return found === undefined ? undefined : BigInt(found.offset);
  };
  return ranges.map(({ partition, low, high }) => {
    const lo = offsetIn(starts, partition) ?? BigInt(low);
    const hi = offsetIn(ends, partition) ?? BigInt(high);
    return { partition, lo, hi: hi > lo ? hi : lo };
  });
}

/**
 * The moment from which every post is still kept: the newest timestamp of
 * the first record kept in the partitions retention has trimmed; undefined
 * when none was trimmed.
 */
async function oldestKept(
  source: LogSource,
  topic: string,
  ranges: { partition: number; low: string; high: string }[],
): Promise<number | undefined> {
  const trimmed = ranges.filter((r) => BigInt(r.low) > 0n && r.low !== r.high);
  const firsts = await Promise.all(
    trimmed.map(async (r) => {
      const chunk = await source.reader.read(topic, r.partition, BigInt(r.low), 1);
      return chunk.records[0]?.timestamp;
    }),
  );
  const known = firsts.filter((t) => t !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

/** The HistoryExpiredError to throw when retention removed records while they were read. */
export async function expiredWhileReading(
  source: LogSource,
  topic: string,
): Promise<HistoryExpiredError> {
  const oldest = await oldestKept(source, topic, await source.offsetRanges(topic));
  return new HistoryExpiredError(oldest ?? Date.now());
}

/**
 * The records of `ranges`, oldest first: the partitions merged by record
 * timestamp, each in offset order. Holds one fetch per partition at most, so
 * memory stays flat however long the range; stops reading when the consumer
 * of the generator stops (return, or a `signal` abort).
 */
export async function* readForward(
  source: LogSource,
  topic: string,
  ranges: readonly PartitionRange[],
  signal?: AbortSignal,
): AsyncGenerator<RawRecord> {
  const walkers = ranges.map((r) => ({ ...r, next: r.lo, buffer: [] as RawRecord[], at: 0 }));
  try {
    for (;;) {
      signal?.throwIfAborted();
      await Promise.all(
        walkers.map(async (w) => {
          if (w.at < w.buffer.length || w.next >= w.hi) return;
          const { records } = await source.reader.read(topic, w.partition, w.next, FETCH_BYTES);
          w.buffer = records.filter((r) => BigInt(r.offset) < w.hi);
          w.at = 0;
          const last = records.at(-1);
          // Nothing more below hi (the partition ended early, e.g. trimmed meanwhile).
          w.next = last && w.buffer.length === records.length ? BigInt(last.offset) + 1n : w.hi;
        }),
      );
      let oldest: (typeof walkers)[number] | undefined;
      for (const w of walkers) {
        const head = w.buffer[w.at];
        const best = oldest?.buffer[oldest.at];
        if (head && (!best || head.timestamp < best.timestamp)) oldest = w;
      }
      const record = oldest?.buffer[oldest.at];
      if (!oldest || !record) return;
      oldest.at++;
      yield record;
    }
  } catch (error) {
    if (error instanceof OffsetOutOfRangeError) throw await expiredWhileReading(source, topic);
    throw error;
  }
}
