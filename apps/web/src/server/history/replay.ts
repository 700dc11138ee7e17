// The replay of `tweetAdded(from:)`: a topic's posts from a moment on, read
// from its Kafka log until the subscriber reaches what the hub still keeps in
// memory, where the live subscription takes over at the exact position the
// replay got to: no gap and no repeat at the join, whatever the producers'
// clocks (positions are offsets, not times).
//
// Paced: at most `ratePerSecond` posts a second per subscriber, all replays
// of the process together at most their shared budget, never faster than the
// socket takes them, and the event loop gets a turn between small runs, so
// clients replaying a day do not hold up live subscribers.
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { LRUCache } from "lru-cache";
import type { ClassifiedPost } from "@tweetream/shared";
import { encodeCursor } from "../hub/cursor.ts";
import type { TopicPost } from "../hub/index.ts";
import { passes, type PostFilter } from "../hub/post-filter.ts";
import { postOf, readForward, type LogSource, type PartitionRange } from "./log-range.ts";

/** Records looked at between two turns of the event loop (at most). */
const RUN = 64;
/** Post ids remembered to drop a classifier's repeats (as the hub does live). */
const REPEATS_REMEMBERED = 10_000;
/** How long to wait for the hub to follow the topic before trying again. */
const HUB_WAIT_MS = 100;

/** Items made by a replay (not shared with other subscribers, so not worth caching). */
export const replayedItems = new WeakSet<TopicPost>();

export interface ReplaySink {
  ready(): boolean;
  write(item: TopicPost): void;
  flush?(): void;
  /** Resolves when the sink can take more (after it was not ready). */
  drained(): Promise<void>;
}

/**
 * Posts a second shared by every replay of the process (WEB_REPLAY_TOTAL_RATE):
 * however many clients replay at once, together they send no more, so the
 * CPU left for live subscribers does not shrink with their number. A token
 * bucket holding a tenth of a second (at least one run).
 */
export class ReplayBudget {
  readonly #perSecond: number;
  readonly #capacity: number;
  #tokens: number;
  #at = performance.now();

  constructor(perSecond: number) {
    this.#perSecond = perSecond;
    this.#capacity = Math.max(RUN, perSecond / 10);
    this.#tokens = this.#capacity;
  }

  /** Resolves once `count` more posts may be sent. */
  async take(count: number): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.#tokens = Math.min(
        this.#capacity,
        this.#tokens + ((now - this.#at) / 1000) * this.#perSecond,
      );
      this.#at = now;
      if (this.#tokens >= count) {
        this.#tokens -= count;
        return;
      }
      await sleep(((count - this.#tokens) / this.#perSecond) * 1000);
    }
  }
}

export interface ReplayOptions {
  source: LogSource;
  /** Where the hub's memory starts per partition (PostHub.coverage). */
  coverage: (slug: string) => Map<number, bigint> | undefined;
  hidden: (post: ClassifiedPost) => boolean;
  filter?: PostFilter | undefined;
  ratePerSecond: number;
  /** The process's budget shared by all replays. */
  budget: ReplayBudget;
  /** True once the subscription is over: the replay stops. */
  stopped: () => boolean;
}

/**
 * Writes every post of `slug` in `ranges` (and on, until the hub's memory) to
 * `sink`, oldest first per partition. Resolves with the cursor to subscribe to
 * the hub after, or undefined when the subscription ended first.
 */
export async function replay(
  slug: string,
  ranges: readonly PartitionRange[],
  sink: ReplaySink,
  options: ReplayOptions,
): Promise<string | undefined> {
  const topic = options.source.topicOf(slug);
  // The last offset handed on (or skipped) per partition.
  const reached = new Map(ranges.map((r) => [r.partition, r.lo - 1n] as const));
  const repeats = new LRUCache<string, true>({ max: REPEATS_REMEMBERED });
  const started = performance.now();
  const runLength = Math.max(1, Math.min(RUN, Math.floor(options.ratePerSecond / 20)));
  let handed = 0;
  for (;;) {
    if (options.stopped()) return undefined;
    const coverage = options.coverage(slug);
    if (!coverage) {
      await sleep(HUB_WAIT_MS);
      continue;
    }
    const round: PartitionRange[] = [];
    for (const [partition, from] of coverage) {
      const lo = (reached.get(partition) ?? -1n) + 1n;
      if (!reached.has(partition)) reached.set(partition, lo - 1n);
      if (from > lo) round.push({ partition, lo, hi: from });
    }
    if (round.length === 0) return encodeCursor({ through: reached });
    let run = 0;
    for await (const record of readForward(options.source, topic, round)) {
      // Each run takes its share of the process's budget first.
      if (run === 0) await options.budget.take(runLength);
      if (options.stopped()) return undefined;
      while (!sink.ready()) {
        sink.flush?.();
        await sink.drained();
        if (options.stopped()) return undefined;
      }
      const offset = BigInt(record.offset);
      reached.set(record.partition, offset);
      const post = postOf(record);
      const key = post && `${post.id} ${post.editedAt ?? ""}`;
      if (post && key && !repeats.has(key) && !options.hidden(post)) {
        repeats.set(key, true);
        if (passes(options.filter, post)) {
          const item: TopicPost = {
            slug,
            post,
            partition: record.partition,
            offset,
            timestamp: record.timestamp,
            cursor: encodeCursor({ through: reached, own: record.partition }),
          };
          replayedItems.add(item);
          sink.write(item);
          handed++;
        }
      }
      if (++run >= runLength) {
        run = 0;
        sink.flush?.();
        // Paced: no faster than ratePerSecond, and a turn for everything else.
        const wait = started + (handed / options.ratePerSecond) * 1000 - performance.now();
        if (wait > 0) await sleep(wait);
        else await nextTurn();
      }
    }
    sink.flush?.();
  }
}
