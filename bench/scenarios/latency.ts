// Scenario 2: ingest → subscriber latency at fixed rates (100, 1,000 posts/s
// and 80% of the throughput scenario's maximum when it ran in this run), each
// at every step length (`--durations`), `--repeat` times: every step of a
// round, then the next round, so slow drift of the machine spreads over all.
import type { z } from "zod";
import { BENCH_TOPICS } from "../lib/bench-topics.ts";
import { LoadFleet } from "../lib/load-fleet.ts";
import { runPipelineStep } from "../lib/pipeline-step.ts";
import type { LatencyResult } from "../lib/results.ts";
import { Stack, newPrefix } from "../lib/system.ts";
import type { ScenarioEnv } from "./scenario.ts";

export async function latency(
  env: ScenarioEnv,
): Promise<Omit<z.infer<typeof LatencyResult>, "status" | "seconds">> {
  const { ctx, options } = env;
  const plan = options.latencyRates.map((rate) => ({ rate, label: `${rate}/s` }));
  const max = env.results.throughput?.maxSustainedRate ?? 0;
  if (max > 0)
    plan.push({ rate: Math.round(max * 0.8), label: `80% of max (${Math.round(max * 0.8)}/s)` });
  const stack = await Stack.start(ctx, { prefix: newPrefix(ctx, "lat") });
  const steps: z.infer<typeof LatencyResult>["steps"] = [];
  try {
    await stack.createTopics();
    await stack.startClassifier();
    const fleet = LoadFleet.start(ctx, 1, "lat");
    try {
      await fleet.subscribe({
        url: stack.wsUrl,
        topics: BENCH_TOPICS.map((t) => t.slug),
        total: BENCH_TOPICS.length,
        metricsPort: stack.web.healthPort,
        timeoutMs: 60_000,
      });
      for (let repeat = 1; repeat <= options.repeat; repeat++) {
        for (const { rate, label } of plan) {
          for (const durationS of options.durations) {
            const step = await runPipelineStep(stack, fleet, {
              rate,
              durationS,
              warmupS: options.warmupS,
              drainS: options.drainS,
              extraWatched: env.brokerPid ? [{ name: "broker", pid: env.brokerPid }] : [],
            });
            steps.push({ ...step, label, repeat });
            const hops = Object.entries(step.hopsMs)
              .map(([stage, h]) => `${stage} ${h.p99 ?? "?"}`)
              .join(", ");
            ctx.log(
              `latency ${label}, ${durationS} s, run ${repeat}/${options.repeat}: p50 ${step.latencyMs.p50} p95 ${step.latencyMs.p95} p99 ${step.latencyMs.p99} ms (${step.latencyMs.count} deliveries, missing ${step.missing}); warm-up p99 ${step.warmupLatencyMs.p99} ms; hop p99 ${hops || "none"} ms`,
            );
          }
        }
      }
    } finally {
      await fleet.close();
    }
  } finally {
    await stack.stop();
  }
  return { steps };
}
