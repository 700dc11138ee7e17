// Scenario 3: one web process with many subscribers (spread over the bench
// topics) at a modest rate: delivery latency, event-loop lag, memory.
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { TOPIC_SETS } from "../lib/bench-topics.ts";
import { LoadFleet } from "../lib/load-fleet.ts";
import { runPipelineStep } from "../lib/pipeline-step.ts";
import { openFilesLimit, procStats } from "../lib/proc-stats.ts";
import { scrape, sumOf } from "../lib/prometheus.ts";
import type { FanoutResult } from "../lib/results.ts";
import { Stack, newPrefix } from "../lib/system.ts";
import type { ScenarioEnv } from "./scenario.ts";

type Level = z.infer<typeof FanoutResult>["levels"][number];

/** Waits until a server's subscription gauge is back to `count` (subscribers closed). */
export async function waitForGauge(port: number, gauge: string, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const samples = await scrape(port);
    if (samples && sumOf(samples, gauge) <= count) return;
    await sleep(250);
  }
}

/**
 * Connects `subscribers` to `stack`'s web server over `topics` from a fresh
 * fleet, runs one step at `rate`, and closes them again.
 */
export async function fanoutLevel(
  env: ScenarioEnv,
  stack: Stack,
  options: { subscribers: number; topics: readonly string[]; rate: number; name: string },
): Promise<Level> {
  const { ctx } = env;
  const fleet = LoadFleet.start(ctx, env.options.loadProcesses, options.name);
  try {
    const connect = await fleet.subscribe({
      url: stack.wsUrl,
      topics: options.topics,
      total: options.subscribers,
      metricsPort: stack.web.port,
      timeoutMs: 300_000,
    });
    ctx.log(
      `fan-out ${options.subscribers}: ${connect.connected} connected in ${Math.round(connect.ms / 100) / 10}s (${connect.failed} failed${connect.firstError ? `: ${connect.firstError}` : ""})`,
    );
    const idleRssBytes = procStats(stack.web.tracked.pid)?.rssBytes ?? 0;
    const step =
      connect.connected > 0
        ? await runPipelineStep(stack, fleet, {
            rate: options.rate,
            durationS: env.options.durationS,
            drainS: env.options.drainS,
            extraWatched: env.brokerPid ? [{ name: "broker", pid: env.brokerPid }] : [],
          })
        : null;
    if (step) {
      ctx.log(
        `fan-out ${options.subscribers}: p99 ${step.latencyMs.p99} ms, loop p99 max ${step.processes.web?.eventLoopP99MaxMs ?? "?"} ms, web RSS ${Math.round((step.processes.web?.rssMaxBytes ?? 0) / 2 ** 20)} MiB, missing ${step.missing}`,
      );
    }
    return {
      subscribers: options.subscribers,
      connected: connect.connected,
      failedToConnect: connect.failed,
      connectSeconds: Math.round(connect.ms / 100) / 10,
      step,
      idleRssBytes,
    };
  } finally {
    await fleet.close();
    await waitForGauge(stack.web.port, "tweetream_web_subscriptions", 0, 60_000);
  }
}

export async function fanout(
  env: ScenarioEnv,
): Promise<Omit<z.infer<typeof FanoutResult>, "status" | "seconds">> {
  const { ctx, options } = env;
  const stack = await Stack.start(ctx, { prefix: newPrefix(ctx, "fan") });
  const topics = TOPIC_SETS[options.fanoutTopics];
  const levels: Level[] = [];
  try {
    await stack.createTopics(topics);
    await stack.startClassifier();
    const fdLimit = openFilesLimit();
    for (const subscribers of options.subscribers) {
      const empty = {
        subscribers,
        connected: 0,
        failedToConnect: 0,
        connectSeconds: 0,
        step: null,
        idleRssBytes: 0,
      };
      // One web process holds a socket per subscriber, plus Kafka, files and the rest.
      if (subscribers + 500 > fdLimit) {
        const skipped = `needs more than ${subscribers + 500} open files in the web process; the limit here is ${fdLimit} (ulimit -n)`;
        ctx.log(`fan-out ${subscribers}: skipped, ${skipped}`);
        levels.push({ ...empty, skipped });
        continue;
      }
      try {
        levels.push(
          await fanoutLevel(env, stack, {
            subscribers,
            topics: topics.map((t) => t.slug),
            rate: options.fanoutRate,
            name: `fan${subscribers}`,
          }),
        );
      } catch (error) {
        // Keep what the smaller levels measured; a larger one would fail too.
        const message = error instanceof Error ? error.message : String(error);
        ctx.log(`fan-out ${subscribers} failed: ${message}`);
        levels.push({ ...empty, error: message.slice(0, 2000) });
        break;
      }
    }
  } finally {
    await stack.stop();
  }
  return {
    rate: options.fanoutRate,
    topics: topics.length,
    topicSet: options.fanoutTopics,
    levels,
  };
}
