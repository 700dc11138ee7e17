// The contract between docs.ts and a scenario's section of docs/BENCHMARKS.md
// (bench/scenarios/<scenario>-docs.ts): docs.ts writes the shared parts and
// calls each registered section in order.
import type { RunResults, Step } from "./results.ts";

/**
 * What a section renders from: the run's results and the shared parts it may
 * use (function properties, so a section can destructure them).
 */
export interface DocsContext {
  results: RunResults;
  /** The lead's notes kept under `key` from the current file, between their markers. */
  leadNotes: (key: string) => string;
  /** Writes the chart `name` (an SVG) beside the doc; returns the Markdown image that shows it. */
  chart: (name: string, svg: Promise<string>) => Promise<string>;
}

/** One row of "Against the targets of issue #6": scenario, target, measured, met. */
export type TargetRow = [scenario: string, target: string, measured: string, met: "yes" | "no"];

/** A scenario's part of docs/BENCHMARKS.md. */
export interface DocSection {
  /** The section's Markdown blocks in order (none when its scenario did not run). */
  render(ctx: DocsContext): string[] | Promise<string[]>;
  /** Its rows of the summary against the targets, if it has a target. */
  targets?(results: RunResults): TargetRow[];
  /**
   * Its steps that sampled every process of the run, the broker included:
   * what the header's "other work on the machine" is judged on.
   */
  fullySampledSteps?(results: RunResults): readonly Step[];
}
