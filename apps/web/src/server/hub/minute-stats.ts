import type { PostLabel } from "@tweetream/shared";

const MINUTE_MS = 60_000;

/** One minute of counts; `minute` is its start, epoch ms. */
export interface MinuteBucket {
  minute: number;
  traffic: number;
  nonTraffic: number;
}

/**
 * Per-minute counts per label over the last `windowMinutes` minutes: a ring
 * of minute buckets (O(window) memory), each slot remembering which minute it
 * holds so stale slots read as empty.
 */
export class MinuteStats {
  readonly #minutes: Float64Array;
  readonly #traffic: Uint32Array;
  readonly #nonTraffic: Uint32Array;

  constructor(readonly windowMinutes: number) {
    if (!Number.isInteger(windowMinutes) || windowMinutes < 1) {
      throw new RangeError(`stats window must be a positive integer, got ${windowMinutes}`);
    }
    this.#minutes = new Float64Array(windowMinutes).fill(-1);
    this.#traffic = new Uint32Array(windowMinutes);
    this.#nonTraffic = new Uint32Array(windowMinutes);
  }

  /** Counts one post at `timestamp` (epoch ms); posts too old for the ring are ignored. */
  add(timestamp: number, label: PostLabel): void {
    const minute = Math.floor(timestamp / MINUTE_MS);
    if (minute < 0) return;
    const slot = minute % this.windowMinutes;
    const held = this.#minutes[slot] ?? -1;
    if (minute < held) return;
    if (minute > held) {
      this.#minutes[slot] = minute;
      this.#traffic[slot] = 0;
      this.#nonTraffic[slot] = 0;
    }
    const counts = label === "traffic" ? this.#traffic : this.#nonTraffic;
    counts[slot] = (counts[slot] ?? 0) + 1;
  }

  /**
   * Every minute of the last `windowMinutes` (clamped to 1..the kept window)
   * ending with the minute of `now`, oldest first, empty minutes included.
   */
  buckets(
    windowMinutes: number,
    now: number,
  ): { buckets: MinuteBucket[]; totals: { traffic: number; nonTraffic: number } } {
    const window = clampWindow(windowMinutes, this.windowMinutes);
    const last = Math.floor(now / MINUTE_MS);
    const buckets: MinuteBucket[] = [];
    const totals = { traffic: 0, nonTraffic: 0 };
    for (let minute = last - window + 1; minute <= last; minute++) {
      const slot = ((minute % this.windowMinutes) + this.windowMinutes) % this.windowMinutes;
      const held = this.#minutes[slot] === minute;
      const traffic = held ? (this.#traffic[slot] ?? 0) : 0;
      const nonTraffic = held ? (this.#nonTraffic[slot] ?? 0) : 0;
      totals.traffic += traffic;
      totals.nonTraffic += nonTraffic;
      buckets.push({ minute: minute * MINUTE_MS, traffic, nonTraffic });
    }
    return { buckets, totals };
  }
}

/** `windowMinutes` as a whole number of minutes within 1..`kept`. */
export function clampWindow(windowMinutes: number, kept: number): number {
  if (!Number.isFinite(windowMinutes)) return kept;
  return Math.min(kept, Math.max(1, Math.floor(windowMinutes)));
}

/** Zero counts for every minute of a window (for a topic the hub does not follow). */
export function emptyBuckets(
  windowMinutes: number,
  now: number,
): { buckets: MinuteBucket[]; totals: { traffic: number; nonTraffic: number } } {
  return new MinuteStats(windowMinutes).buckets(windowMinutes, now);
}
