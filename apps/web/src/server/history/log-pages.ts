// Pages of a topic's posts over any time range Kafka still keeps, read from
// the topic's Kafka log rather than from this process's memory.
//
// A moment maps to one offset per partition (the first record at or after it,
// by record timestamp), so a range is an offset range per partition. A page
// walks those ranges from their upper ends down, merging the partitions
// newest first by record timestamp, and gives each post the same kind of
// cursor the in-memory history gives: per partition, the highest offset at or
// before the post (for the other partitions: the highest one not shown yet).
// `after` such a cursor means the records it covers, less the post itself, so
// paging on is exact whatever the clocks of the producers, and a cursor is
// good on every web process.
import {
  OffsetOutOfRangeError,
  type ClassifiedPost,
  type LogReader,
  type RawRecord,
} from "@tweetream/shared";
import { encodeCursor, isBefore, type Position } from "../hub/cursor.ts";
import type { PostPage, TopicPost } from "../hub/index.ts";
import { passes, type PostFilter } from "../hub/post-filter.ts";
import {
  expiredWhileReading,
  FETCH_BYTES,
  partitionRanges,
  postOf,
  readForward,
  type LogSource,
  type TimeRange,
} from "./log-range.ts";

/** Records read back from the top of a partition at a time. */
const CHUNK_RECORDS = 500n;
/**
 * Most records one page looks at. A filter that matches little could
 * otherwise read a week of a topic for one page; past this, the page ends
 * early with `hasNextPage` and an `endCursor` where it stopped.
 */
const MAX_SCANNED_PER_PAGE = 100_000;

export interface LogPageOptions extends TimeRange {
  first: number;
  /** Only posts before this position (a cursor from a previous page or post). */
  before?: Position | undefined;
  filter?: PostFilter | undefined;
  /** Posts to leave out (e.g. deleted at their source). */
  hidden?: (post: ClassifiedPost) => boolean;
}

/** Reads pages of topics' Kafka logs. */
export class LogPages {
  readonly #source: LogSource;
  readonly #maxScanned: number;

  constructor(source: LogSource, options: { maxScannedPerPage?: number } = {}) {
    this.#source = source;
    this.#maxScanned = options.maxScannedPerPage ?? MAX_SCANNED_PER_PAGE;
  }

  /**
   * The newest `first` posts of `slug` in the range (and before `before`),
   * newest first. Throws HistoryExpiredError when `from` is older than what
   * Kafka keeps.
   */
  async page(slug: string, options: LogPageOptions): Promise<PostPage> {
    const topic = this.#source.topicOf(slug);
    const walkers = await this.#walkers(topic, options);
    const items: TopicPost[] = [];
    let scanned = 0;
    try {
      for (;;) {
        await Promise.all(walkers.map((w) => w.fill()));
        let newest: PartitionWalker | undefined;
        for (const w of walkers) {
          const head = w.head();
          const best = newest?.head();
          if (head && (!best || head.timestamp > best.timestamp)) newest = w;
        }
        const record = newest?.take();
        if (!newest || !record) return { items, hasNextPage: false };
        scanned++;
        const post = postOf(record);
        if (post && passes(options.filter, post) && !options.hidden?.(post)) {
          if (items.length === options.first) return { items, hasNextPage: true };
          items.push(topicPost(slug, post, record, unread(walkers)));
        }
        if (scanned >= this.#maxScanned) {
          const through = unread(walkers);
          const more = walkers.some((w) => !w.done());
          return {
            items,
            hasNextPage: more,
            ...(more ? { endCursor: encodeCursor({ through }) } : {}),
          };
        }
      }
    } catch (error) {
      // Retention removed the range while it was read.
      if (error instanceof OffsetOutOfRangeError)
        throw await expiredWhileReading(this.#source, topic);
      throw error;
    }
  }

  /**
   * The `last` posts of `slug` in the range that are newer than `after` (all
   * of the range's without it): the oldest of those, newest first, as the
   * page before `after` in the newest-first order. Reads the partitions
   * forward from `after`, merged oldest first by record time.
   */
  async pageBackward(
    slug: string,
    options: Omit<LogPageOptions, "first" | "before"> & {
      last: number;
      after?: Position | undefined;
    },
  ): Promise<PostPage> {
    const topic = this.#source.topicOf(slug);
    const { after } = options;
    const fromCursor = after !== undefined;
    // Per partition, the highest offset passed: covered by every cursor from here on.
    const passed = new Map<number, bigint>();
    const ranges = (await partitionRanges(this.#source, topic, options)).map((r) => {
      const through = after ? (after.through.get(r.partition) ?? -1n) : -1n;
      const lo = through + 1n > r.lo ? through + 1n : r.lo;
      passed.set(r.partition, lo - 1n);
      return { ...r, lo };
    });
    const items: TopicPost[] = [];
    let scanned = 0;
    for await (const record of readForward(this.#source, topic, ranges)) {
      const post = postOf(record);
      if (post && passes(options.filter, post) && !options.hidden?.(post)) {
        if (items.length === options.last)
          return backwardPage(items, { fromCursor, hasPreviousPage: true });
        items.push(topicPost(slug, post, record, new Map(passed)));
      }
      passed.set(record.partition, BigInt(record.offset));
      if (++scanned >= this.#maxScanned) {
        const more = ranges.some((r) => (passed.get(r.partition) ?? -1n) + 1n < r.hi);
        return backwardPage(items, {
          fromCursor,
          hasPreviousPage: more,
          startCursor: more ? encodeCursor({ through: passed }) : undefined,
        });
      }
    }
    return backwardPage(items, { fromCursor, hasPreviousPage: false });
  }

  /** One walker per partition, over its offsets in the range and before `before`. */
  async #walkers(topic: string, options: LogPageOptions): Promise<PartitionWalker[]> {
    const { before } = options;
    const ranges = await partitionRanges(this.#source, topic, options);
    return ranges.map(({ partition, lo, hi }) => {
      let upper = hi;
      if (before) {
        // Offsets the cursor covers, less the post it was taken at.
        const through = before.through.get(partition) ?? -1n;
        const bound = isBefore(before, partition, through) ? through + 1n : through;
        if (bound < upper) upper = bound;
      }
      return new PartitionWalker(this.#source.reader, topic, partition, lo, upper);
    });
  }
}

/**
 * The item of `post`, read from `record`, with its cursor: `covered` (per
 * partition, what a cursor taken there covers) and the post itself.
 */
function topicPost(
  slug: string,
  post: ClassifiedPost,
  record: RawRecord,
  covered: Map<number, bigint>,
): TopicPost {
  const offset = BigInt(record.offset);
  covered.set(record.partition, offset);
  return {
    slug,
    post,
    partition: record.partition,
    offset,
    timestamp: record.timestamp,
    cursor: encodeCursor({ through: covered, own: record.partition }),
  };
}

/**
 * A backward page, newest first. Older posts exist when the page started at
 * a cursor (the post it was taken at, at least), so `hasNextPage` says that.
 */
function backwardPage(
  oldestFirst: TopicPost[],
  page: { fromCursor: boolean; hasPreviousPage: boolean; startCursor?: string | undefined },
): PostPage {
  return {
    items: oldestFirst.reverse(),
    hasNextPage: page.fromCursor,
    hasPreviousPage: page.hasPreviousPage,
    ...(page.startCursor ? { startCursor: page.startCursor } : {}),
  };
}

/** Per partition, the highest offset not taken yet: what a cursor taken now still covers. */
function unread(walkers: readonly PartitionWalker[]): Map<number, bigint> {
  return new Map(walkers.map((w) => [w.partition, w.highestUnread()] as const));
}

/** A partition's records in [lo, hi), read from the top down in chunks. */
class PartitionWalker {
  readonly #reader: Pick<LogReader, "read">;
  readonly #topic: string;
  readonly partition: number;
  readonly #lo: bigint;
  /** Records below this are not read yet. */
  #next: bigint;
  /** Read and not taken yet, newest (highest offset) first. */
  #buffer: RawRecord[] = [];

  constructor(
    reader: Pick<LogReader, "read">,
    topic: string,
    partition: number,
    lo: bigint,
    hi: bigint,
  ) {
    this.#reader = reader;
    this.#topic = topic;
    this.partition = partition;
    this.#lo = lo;
    this.#next = hi > lo ? hi : lo;
  }

  head(): RawRecord | undefined {
    return this.#buffer[0];
  }

  take(): RawRecord | undefined {
    return this.#buffer.shift();
  }

  done(): boolean {
    return this.#buffer.length === 0 && this.#next <= this.#lo;
  }

  /** The highest offset not taken yet, or lo - 1 when every record was. */
  highestUnread(): bigint {
    const head = this.#buffer[0];
    return head ? BigInt(head.offset) : this.#next - 1n;
  }

  /** Reads the next chunk down when nothing is buffered. */
  async fill(): Promise<void> {
    while (this.#buffer.length === 0 && this.#next > this.#lo) {
      const start = this.#next - CHUNK_RECORDS > this.#lo ? this.#next - CHUNK_RECORDS : this.#lo;
      const chunk: RawRecord[] = [];
      let at = start;
      while (at < this.#next) {
        const { records } = await this.#reader.read(this.#topic, this.partition, at, FETCH_BYTES);
        const below = records.filter((r) => BigInt(r.offset) < this.#next);
        chunk.push(...below);
        const last = records.at(-1);
        // Past the end of what is written, or the chunk is complete.
        if (!last || below.length < records.length) break;
        at = BigInt(last.offset) + 1n;
      }
      this.#next = start;
      this.#buffer = chunk.reverse();
    }
  }
}
