import { z } from "zod";
import { DEFAULT_TICK_MS, Pacer, rateSchema, systemClock, type Clock } from "../pacer.ts";
import type { Emit, RawPost, Source } from "../source.ts";
import { SyntheticGenerator } from "./generator.ts";

/** Options of the synthetic source (defaults: 100 posts/s, half traffic, random seed). */
export const SyntheticSourceOptions = z.object({
  rate: rateSchema.default(100),
  trafficShare: z.number().min(0).max(1).default(0.5),
  /** Same seed, same texts and ids; default random (ids then differ per run). */
  seed: z.int().optional(),
  /** Stop after this many posts (tests, benchmarks); default endless. */
  limit: z.int().positive().optional(),
  /** Most posts per `emit` call. */
  batchSize: z.int().min(1).max(10_000).default(500),
  /** Batching interval, ms: about one batch per tick. */
  tickMs: z.number().min(1).max(1_000).default(DEFAULT_TICK_MS),
});
export type SyntheticSourceOptions = z.input<typeof SyntheticSourceOptions>;

/** A source that makes up posts; counts are cumulative over `run` calls. */
export interface SyntheticSource extends Source {
  readonly kind: "synthetic";
  /** The seed in use (printed in every id: `syn-<seed>-<n>`). */
  readonly seed: number;
  readonly stats: { readonly emitted: number };
}

/**
 * The default source: realistic Indonesian traffic and non-traffic posts from
 * the project's own templates, paced by a token bucket. Throws a ZodError on
 * invalid options.
 */
export function createSyntheticSource(
  options: SyntheticSourceOptions = {},
  { clock = systemClock }: { clock?: Clock } = {},
): SyntheticSource {
  const { rate, trafficShare, seed, limit, batchSize, tickMs } =
    SyntheticSourceOptions.parse(options);
  const generator = new SyntheticGenerator({ seed, trafficShare });
  const stats = { emitted: 0 };

  async function run(emit: Emit, signal: AbortSignal): Promise<void> {
    const pacer = new Pacer({ rate, tickMs, clock });
    while (!signal.aborted) {
      const wanted = limit === undefined ? batchSize : Math.min(batchSize, limit - stats.emitted);
      if (wanted <= 0) return;
      const n = await pacer.take(wanted, signal);
      if (n === 0) return;
      // One timestamp per batch: the posts of a tick are "now" to the millisecond anyway.
      const createdAt = new Date().toISOString();
      const batch: RawPost[] = [];
      for (let i = 0; i < n; i++) batch.push(generator.next(createdAt).post);
      // Awaiting emit before the next take is the backpressure: a slow consumer
      // lowers the rate instead of growing a queue here.
      await emit(batch);
      stats.emitted += n;
    }
  }

  return { kind: "synthetic", seed: generator.seed, stats, run };
}
