import type { BenchOptions } from "../lib/options.ts";
import type { Scenarios } from "../lib/results.ts";
import type { RunContext } from "../lib/system.ts";

/** What a scenario gets: the run's context, its options, and the results so far. */
export interface ScenarioEnv {
  ctx: RunContext;
  options: BenchOptions;
  /** The broker's JVM pid when it runs on this machine (its CPU is sampled). */
  brokerPid: number | undefined;
  results: Scenarios;
}
