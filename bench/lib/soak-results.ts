// The results of `npm run soak` (bench/soak.ts), validated before they are written.
import { z } from "zod";

export const Settings = z.object({
  durationS: z
    .number()
    .int()
    .min(10)
    .max(24 * 3600),
  rate: z.number().int().min(1).max(50_000),
  subscribers: z.number().int().min(1).max(20_000),
  intervalS: z.number().int().min(1).max(600),
  warmupS: z.number().int().min(0),
});

export const Series = z.object({
  process: z.string(),
  /** Seconds since the load started. */
  t: z.array(z.number()),
  rssBytes: z.array(z.number().nullable()),
  heapUsedBytes: z.array(z.number().nullable()),
  openFds: z.array(z.number().nullable()),
});

export const Slope = z.object({
  process: z.string(),
  samples: z.number().int(),
  rssMiBPerMin: z.number().nullable(),
  heapMiBPerMin: z.number().nullable(),
  fdsPerMin: z.number().nullable(),
  rssStartMiB: z.number().nullable(),
  rssEndMiB: z.number().nullable(),
});

/** What `npm run soak` writes. */
export const SoakResults = z.object({
  schemaVersion: z.literal(1),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  commit: z.string(),
  dirty: z.boolean(),
  command: z.string(),
  settings: Settings,
  machine: z.record(z.string(), z.unknown()),
  delivery: z.object({
    generated: z.number().int(),
    expected: z.number().int(),
    delivered: z.number().int(),
    missing: z.number().int(),
    duplicates: z.number().int(),
  }),
  series: z.array(Series),
  slopes: z.array(Slope),
});
export type SoakResults = z.infer<typeof SoakResults>;

/** Least-squares slope of y over t (per minute), or null with fewer than 3 points. */
export function slopePerMinute(t: readonly number[], y: readonly (number | null)[]): number | null {
  const points = t.flatMap((ti, i) => {
    const yi = y[i];
    return yi === null || yi === undefined ? [] : [[ti / 60, yi] as const];
  });
  if (points.length < 3) return null;
  const meanT = points.reduce((a, [ti]) => a + ti, 0) / points.length;
  const meanY = points.reduce((a, [, yi]) => a + yi, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const [ti, yi] of points) {
    num += (ti - meanT) * (yi - meanY);
    den += (ti - meanT) ** 2;
  }
  return den === 0 ? null : num / den;
}
