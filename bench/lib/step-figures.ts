// Figures derived from the steps of a results file: what a delivered frame
// cost a server, and the median and the worst of a figure over the runs of a
// repeated step (`--repeat`). The scenarios and docs.ts both use them.
import type { Step } from "./results.ts";
import { round } from "./sampler.ts";

/**
 * Frames (post × subscriber) the subscribers received after the warm-up
 * (duplicates included: they cost the server as much).
 */
export function measuredFrames(step: Step): number {
  return step.latencyMs.count;
}

/** Frames received after the warm-up per second of the step's measured duration. */
export function framesPerSecond(step: Step): number {
  return round(measuredFrames(step) / step.durationS, 1);
}

/**
 * `server`'s CPU time (user + system) from the end of the warm-up until every
 * subscriber had every post, ÷ the frames received after the warm-up, in µs;
 * null when nothing was received or the process was not sampled.
 */
export function cpuUsPerFrame(step: Step, server: string): number | null {
  const cpuSeconds = step.processes[server]?.cpuSeconds;
  const frames = measuredFrames(step);
  return frames > 0 && cpuSeconds !== undefined ? round((cpuSeconds * 1e6) / frames, 1) : null;
}

/** A figure over the runs of one step: the median, the worst (highest) and how many runs had it. */
export interface Spread {
  median: number;
  worst: number;
  runs: number;
}

/**
 * The median and the highest of `values` (unknown ones left out), or null
 * when none is known. Every figure this is used on is worse when higher.
 * The median of an even count is the mean of the middle two. Written by
 * hand: a sort and an index, not worth a dependency.
 */
export function spread(values: readonly (number | null | undefined)[]): Spread | null {
  const known = values
    .filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v))
    .sort((a, b) => a - b);
  const n = known.length;
  if (n === 0) return null;
  const lower = known[Math.floor((n - 1) / 2)] ?? 0;
  const upper = known[Math.floor(n / 2)] ?? 0;
  return { median: (lower + upper) / 2, worst: known[n - 1] ?? 0, runs: n };
}

/** `items` grouped by `key`, groups and items in the order they first appear. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
