// INTEGRATION POINT for scenarios 4 and 5b, written by another engineer:
//   4  classifier per core: apps/classifier/src/bench/measure-inference.ts
//      (measureInference), run through its CLI apps/classifier/src/bench/bench-model.ts --json
//      pinned to one core with taskset when available;
//   5b the original Python classifier loop: bench/original/run-classifier-loop.ts.
// Each runs only when its file exists; otherwise the scenario is "skipped" with
// the reason. Their figures are stored as they come (validated as JSON only)
// and shown in docs/BENCHMARKS.md as a table of their top-level numbers.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";
import { repoRoot } from "../lib/paths.ts";
import type { ScenarioEnv } from "./scenario.ts";

const run = promisify(execFile);

export const MEASURE_INFERENCE = path.join(
  repoRoot,
  "apps/classifier/src/bench/measure-inference.ts",
);
const BENCH_MODEL_CLI = path.join(repoRoot, "apps/classifier/src/bench/bench-model.ts");
export const CLASSIFIER_LOOP = path.join(repoRoot, "bench/original/run-classifier-loop.ts");

/** Outcome of an external scenario: figures, or why it was skipped. */
export type External = { figures: unknown } | { skipped: string };

async function hasTaskset(): Promise<boolean> {
  try {
    await run("taskset", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

/** Scenario 4: the classifier's inference speed per core (single post vs batched). */
export async function classifierScenario(env: ScenarioEnv): Promise<External> {
  if (!fs.existsSync(MEASURE_INFERENCE) || !fs.existsSync(BENCH_MODEL_CLI)) {
    return { skipped: `${path.relative(repoRoot, MEASURE_INFERENCE)} is not there yet` };
  }
  const durationMs = env.options.quick ? 300 : 5000;
  const args = [
    process.execPath,
    "--import",
    "tsx",
    BENCH_MODEL_CLI,
    "--json",
    "--duration-ms",
    String(durationMs),
    "--batch-sizes",
    env.options.quick ? "1,64" : "1,64,512,4096",
  ];
  const [command, ...rest] = (await hasTaskset()) ? ["taskset", "-c", "0", ...args] : args;
  const { stdout } = await run(command ?? "node", rest, {
    cwd: repoRoot,
    maxBuffer: 64 * 2 ** 20,
    timeout: 600_000,
  });
  return { figures: z.json().parse(JSON.parse(stdout)) };
}

/** Scenario 5b: the original design's Python classifier loop, beside the batched ONNX one. */
export async function originalClassifierScenario(env: ScenarioEnv): Promise<External> {
  if (!fs.existsSync(CLASSIFIER_LOOP)) {
    return { skipped: `${path.relative(repoRoot, CLASSIFIER_LOOP)} is not there yet` };
  }
  const module: unknown = await import(pathToFileURL(CLASSIFIER_LOOP).href);
  const api = z
    .object({
      runClassifierLoop: z.custom<(options: object) => unknown>((v) => typeof v === "function"),
    })
    .safeParse(module);
  if (!api.success) {
    return {
      skipped: `${path.relative(repoRoot, CLASSIFIER_LOOP)} exports no runClassifierLoop()`,
    };
  }
  const figures: unknown = await api.data.runClassifierLoop({
    brokers: env.ctx.brokers,
    durationS: env.options.durationS,
    quick: env.options.quick,
  });
  return { figures: z.json().parse(figures) };
}
