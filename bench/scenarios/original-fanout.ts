// Scenario 5a: the original design's fan-out (one Kafka consumer per
// subscriber, bench/original/original-fanout-server.ts) beside Tweetream's
// web server (one consumer, in-memory fan-out), same broker, same topic, same
// classified stream, same subscriber counts.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { BENCH_TOPICS } from "../lib/bench-topics.ts";
import { LoadFleet } from "../lib/load-fleet.ts";
import { runPipelineStep } from "../lib/pipeline-step.ts";
import { repoRoot } from "../lib/paths.ts";
import { procStats } from "../lib/proc-stats.ts";
import { scrape, sumOf } from "../lib/prometheus.ts";
import { spawnTracked, stopTracked, tailOf, isRunning } from "../lib/processes.ts";
import type { OriginalFanoutResult } from "../lib/results.ts";
import { ratio, round } from "../lib/sampler.ts";
import { Stack, freePort, newPrefix } from "../lib/system.ts";
import { fanoutLevel } from "./fanout.ts";
import type { ScenarioEnv } from "./scenario.ts";

type Level = z.infer<typeof OriginalFanoutResult>["levels"][number];

async function originalLevel(
  env: ScenarioEnv,
  stack: Stack,
  subscribers: number,
  topic: string,
): Promise<Level["original"]> {
  const { ctx, options } = env;
  const port = await freePort();
  const server = spawnTracked(
    "original-fanout",
    process.execPath,
    [
      "--import",
      "tsx",
      path.join("bench", "original", "original-fanout-server.ts"),
      "--port",
      String(port),
      "--brokers",
      ctx.brokers,
      "--prefix",
      stack.prefix,
    ],
    {
      cwd: repoRoot,
      env: process.env,
      logFile: path.join(ctx.workDir, `original-${subscribers}.log`),
      ipc: true,
    },
  );
  const fleet = LoadFleet.start(ctx, options.loadProcesses, `orig${subscribers}`);
  try {
    const deadline = Date.now() + 60_000;
    while (!(await scrape(port)) && Date.now() < deadline) {
      if (!isRunning(server)) throw new Error(`original server exited:\n${tailOf(server.logFile)}`);
      await sleep(200);
    }
    const connect = await fleet.subscribe({
      url: `ws://127.0.0.1:${port}/graphql`,
      topics: [topic],
      total: subscribers,
      metricsPort: port,
      gauge: "original_subscriptions",
      timeoutMs: 300_000,
    });
    const joinStarted = Date.now();
    let joined = 0;
    while (Date.now() < joinStarted + 300_000) {
      const samples = await scrape(port);
      joined = samples ? sumOf(samples, "original_consumers_joined") : joined;
      if (joined >= connect.connected) break;
      await sleep(500);
    }
    const joinSeconds = round((Date.now() - joinStarted) / 1000, 1);
    ctx.log(
      `original fan-out ${subscribers}: ${connect.connected} connected, ${joined} consumers joined in ${joinSeconds}s`,
    );
    // A new group starts at the latest offset, which it resolves on its first fetch.
    await sleep(3000);
    const idleRssBytes = procStats(server.pid)?.rssBytes ?? 0;
    const step =
      connect.connected > 0
        ? await runPipelineStep(stack, fleet, {
            rate: options.fanoutRate,
            durationS: options.durationS,
            warmupS: options.warmupS,
            drainS: options.drainS,
            watchWeb: false,
            extraWatched: [
              { name: "original", pid: server.pid },
              ...(env.brokerPid ? [{ name: "broker", pid: env.brokerPid }] : []),
            ],
          })
        : null;
    if (step) {
      ctx.log(
        `original fan-out ${subscribers}: p99 ${step.latencyMs.p99} ms, CPU ${step.processes.original?.cpuCores ?? "?"} cores, missing ${step.missing}`,
      );
    }
    return {
      subscribers,
      connected: connect.connected,
      failedToConnect: connect.failed,
      connectSeconds: round(connect.ms / 1000, 1),
      ...(step && { durationS: step.durationS }),
      steps: step ? [step] : [],
      idleRssBytes,
      consumersJoined: joined,
      joinSeconds,
    };
  } finally {
    await fleet.close();
    await stopTracked(server, 30_000);
  }
}

export async function originalFanout(
  env: ScenarioEnv,
): Promise<Omit<z.infer<typeof OriginalFanoutResult>, "status" | "seconds">> {
  const { ctx, options } = env;
  const topic = BENCH_TOPICS[0]?.slug ?? "lalu-lintas";
  const stack = await Stack.start(ctx, { prefix: newPrefix(ctx, "orig") });
  const levels: Level[] = [];
  try {
    await stack.createTopics();
    await stack.startClassifier();
    for (const subscribers of options.originalSubscribers) {
      try {
        const [tweetream] = await fanoutLevel(env, stack, {
          subscribers,
          topics: [topic],
          rate: options.fanoutRate,
          name: `tw${subscribers}`,
          durations: [options.durationS],
          repeat: 1,
        });
        if (!tweetream) throw new Error("no fan-out level");
        if (tweetream.error) throw new Error(tweetream.error);
        const original = await originalLevel(env, stack, subscribers, topic);
        const t = tweetream.steps[0];
        const o = original.steps[0];
        levels.push({
          subscribers,
          tweetream,
          original,
          ratios: {
            p99: ratio(o?.latencyMs.p99, t?.latencyMs.p99),
            cpu: ratio(o?.processes.original?.cpuCores, t?.processes.web?.cpuCores),
            rss: ratio(o?.processes.original?.rssMaxBytes, t?.processes.web?.rssMaxBytes),
            brokerCpu: ratio(o?.processes.broker?.cpuCores, t?.processes.broker?.cpuCores),
          },
        });
      } catch (error) {
        // Keep the smaller levels' figures.
        const message = error instanceof Error ? error.message : String(error);
        ctx.log(`original fan-out ${subscribers} failed: ${message}`);
        return {
          rate: options.fanoutRate,
          levels,
          error: `${subscribers} subscribers: ${message.slice(0, 2000)}`,
        };
      }
    }
  } finally {
    await stack.stop();
  }
  return { rate: options.fanoutRate, levels };
}
