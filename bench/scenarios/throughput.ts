// Scenario 1: end-to-end throughput. Steps the synthetic rate up; a step is
// sustained when every post reached its subscribers, the classifier's lag
// stayed under 2 s and the source kept the rate. Stops at the first failure.
import type { z } from "zod";
import { BENCH_TOPICS } from "../lib/bench-topics.ts";
import { LoadFleet } from "../lib/load-fleet.ts";
import { runPipelineStep, type StepResult } from "../lib/pipeline-step.ts";
import type { ThroughputResult } from "../lib/results.ts";
import { Stack, newPrefix } from "../lib/system.ts";
import type { ScenarioEnv } from "./scenario.ts";

/** Connects one subscriber per topic (every post goes to ≥ 1) and steps the rate up. */
export async function throughput(
  env: ScenarioEnv,
): Promise<Omit<z.infer<typeof ThroughputResult>, "status" | "seconds">> {
  const { ctx, options } = env;
  const stack = await Stack.start(ctx, { prefix: newPrefix(ctx, "tp") });
  const steps: StepResult[] = [];
  try {
    await stack.createTopics();
    await stack.startClassifier();
    const fleet = LoadFleet.start(ctx, 1, "tp");
    try {
      await fleet.subscribe({
        url: stack.wsUrl,
        topics: BENCH_TOPICS.map((t) => t.slug),
        total: BENCH_TOPICS.length,
        metricsPort: stack.web.healthPort,
        timeoutMs: 60_000,
      });
      for (const rate of options.rates) {
        const step = await runPipelineStep(stack, fleet, {
          rate,
          durationS: options.durationS,
          warmupS: options.warmupS,
          drainS: options.drainS,
          extraWatched: env.brokerPid ? [{ name: "broker", pid: env.brokerPid }] : [],
        });
        steps.push(step);
        ctx.log(
          `throughput ${rate}/s: achieved ${step.achievedRate}/s, missing ${step.missing}, lag ${step.consumerLagSeconds}s, p99 ${step.latencyMs.p99} ms → ${step.sustained ? "sustained" : "NOT sustained"}`,
        );
        if (!step.sustained) break;
      }
    } finally {
      await fleet.close();
    }
  } finally {
    await stack.stop();
  }
  const sustained = steps.filter((s) => s.sustained).map((s) => s.targetRate);
  return {
    steps,
    maxSustainedRate: sustained.length ? Math.max(...sustained) : 0,
    subscribersPerTopic: 1,
  };
}
