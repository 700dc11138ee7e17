import { setImmediate as nextMacrotask, setTimeout as sleepFor } from "node:timers/promises";
import { z } from "zod";

/** Highest accepted rate, in posts per second. */
export const MAX_RATE = 50_000;

/** Posts per second: 1..50,000, or 0 for unpaced (as fast as `emit` resolves). */
export const rateSchema = z
  .number()
  .refine((rate) => rate === 0 || (rate >= 1 && rate <= MAX_RATE), {
    error: `rate must be 0 (unpaced) or within 1..${MAX_RATE} posts/s`,
  });

/** Time as the pacer sees it; tests inject a fake one to assert exact counts. */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  /** Resolves after `ms` (0 = next macrotask), or early once `signal` aborts; never rejects. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The real clock: `performance.now()` and abortable Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    try {
      await (ms <= 0 ? nextMacrotask(undefined, { signal }) : sleepFor(ms, undefined, { signal }));
    } catch {
      // Aborted: the caller checks the signal itself.
    }
  },
};

/** Default interval between batches: short enough to look continuous, long enough to batch. */
export const DEFAULT_TICK_MS = 20;

/**
 * How much unspent allowance (in ms of the rate) the bucket keeps, so a late
 * timer or a brief slow emit is caught up, while a sustained slow emit lowers
 * the rate instead of building an ever-growing backlog.
 */
const CATCH_UP_MS = 250;

export interface PacerOptions {
  /** Posts per second; 0 = unpaced (as fast as the consumer takes them). */
  rate: number;
  /** Batching interval in ms: at most one batch per tick's worth of posts (default 20). */
  tickMs?: number;
  clock?: Clock;
}

/**
 * A token bucket: allowance accrues continuously at `rate` from the measured
 * elapsed time (never from counting timer callbacks, so timer lateness does
 * not drift the long-run rate), capped at CATCH_UP_MS (or one tick, if
 * longer) worth plus one post.
 */
export class Pacer {
  readonly #rate: number;
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #perTick: number;
  #tokens = 0;
  #last: number | undefined;

  constructor({ rate, tickMs = DEFAULT_TICK_MS, clock = systemClock }: PacerOptions) {
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`invalid rate ${rate}`);
    this.#rate = rate;
    this.#clock = clock;
    this.#perTick = Math.max(1, Math.floor((rate * tickMs) / 1000));
    this.#capacity = Math.max((rate * CATCH_UP_MS) / 1000, this.#perTick) + 1;
  }

  /**
   * Waits until at least one post is allowed and returns how many may go now
   * (1..max), or 0 once `signal` has aborted. Each call spends what it returns.
   */
  async take(max: number, signal: AbortSignal): Promise<number> {
    if (this.#rate === 0) {
      // Unpaced: still yield a macrotask so timers and aborts get a turn.
      await this.#clock.sleep(0, signal);
      return signal.aborted ? 0 : max;
    }
    // Wait for a tick's worth (or `max`), so a leftover fraction does not
    // produce a trickle of one-post batches between the full ones.
    const wanted = Math.min(max, this.#perTick);
    for (;;) {
      if (signal.aborted) return 0;
      this.#refill();
      // The epsilon absorbs float error in the accrued allowance (0.9999999 is 1).
      if (this.#tokens >= wanted - 1e-9) {
        const n = Math.min(max, Math.max(1, Math.floor(this.#tokens + 1e-9)));
        this.#tokens -= n;
        return n;
      }
      // At least 1 ms: what timers can do anyway, and time must move on.
      await this.#clock.sleep(Math.max(1, ((wanted - this.#tokens) * 1000) / this.#rate), signal);
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    if (this.#last !== undefined) {
      const accrued = ((now - this.#last) * this.#rate) / 1000;
      this.#tokens = Math.min(this.#capacity, this.#tokens + accrued);
    }
    this.#last = now;
  }
}

/** A clock for tests and simulations: time only moves when slept on (or `advance`d). */
export interface VirtualClock extends Clock {
  advance(ms: number): void;
}

/** Creates a virtual clock starting at 0 ms. */
export function virtualClock(): VirtualClock {
  let now = 0;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms, signal) => {
      if (!signal.aborted) now += ms;
      // Let other tasks (e.g. an abort scheduled by a test) run, as real sleeping would.
      await nextMacrotask();
    },
  };
}
