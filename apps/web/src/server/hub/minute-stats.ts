import type { PostLabel } from "@tweetream/shared";

const MINUTE_MS = 60_000;

/** Posts counted per label. */
export interface LabelCounts {
  traffic: number;
  nonTraffic: number;
  /** Posts in a language the model does not know. */
  notClassified: number;
}

/** One minute of counts; `minute` is its start, epoch ms. */
export interface MinuteBucket extends LabelCounts {
  minute: number;
}

/** Each post label's field in {@link LabelCounts}. */
export const LABEL_FIELD = {
  traffic: "traffic",
  non_traffic: "nonTraffic",
  not_classified: "notClassified",
} as const satisfies Record<PostLabel, keyof LabelCounts>;
export const LABEL_FIELDS = Object.values(LABEL_FIELD);

export const noCounts = (): LabelCounts => ({ traffic: 0, nonTraffic: 0, notClassified: 0 });

/**
 * Per-minute counts per label over the last `windowMinutes` minutes: a ring
 * of minute buckets (O(window) memory), each slot remembering which minute it
 * holds so stale slots read as empty.
 */
export class MinuteStats {
  readonly #minutes: Float64Array;
  readonly #counts: Record<keyof LabelCounts, Uint32Array>;

  constructor(readonly windowMinutes: number) {
    if (!Number.isInteger(windowMinutes) || windowMinutes < 1) {
      throw new RangeError(`stats window must be a positive integer, got ${windowMinutes}`);
    }
    this.#minutes = new Float64Array(windowMinutes).fill(-1);
    this.#counts = {
      traffic: new Uint32Array(windowMinutes),
      nonTraffic: new Uint32Array(windowMinutes),
      notClassified: new Uint32Array(windowMinutes),
    };
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
      for (const field of LABEL_FIELDS) this.#counts[field][slot] = 0;
    }
    const counts = this.#counts[LABEL_FIELD[label]];
    counts[slot] = (counts[slot] ?? 0) + 1;
  }

  /**
   * Every minute of the last `windowMinutes` (clamped to 1..the kept window)
   * ending with the minute of `now`, oldest first, empty minutes included.
   */
  buckets(windowMinutes: number, now: number): { buckets: MinuteBucket[]; totals: LabelCounts } {
    const window = clampWindow(windowMinutes, this.windowMinutes);
    const last = Math.floor(now / MINUTE_MS);
    const buckets: MinuteBucket[] = [];
    const totals = noCounts();
    for (let minute = last - window + 1; minute <= last; minute++) {
      const slot = ((minute % this.windowMinutes) + this.windowMinutes) % this.windowMinutes;
      const bucket: MinuteBucket = { minute: minute * MINUTE_MS, ...noCounts() };
      if (this.#minutes[slot] === minute) {
        for (const field of LABEL_FIELDS) {
          bucket[field] = this.#counts[field][slot] ?? 0;
          totals[field] += bucket[field];
        }
      }
      buckets.push(bucket);
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
): { buckets: MinuteBucket[]; totals: LabelCounts } {
  return new MinuteStats(windowMinutes).buckets(windowMinutes, now);
}
