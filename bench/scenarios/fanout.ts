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
import type { Watched } from "../lib/sampler.ts";
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
 * The server a fan-out level measures: Tweetream's web process, or a server
 * it is compared with. Its WebSocket endpoint and /metrics share `port`.
 */
export interface FanoutServer {
  /** Its figures' name in the step's processes (e.g. "web"). */
  name: string;
  pid: number;
  port: number;
  /** Its gauge of open subscriptions on /metrics. */
  gauge: string;
}

/** The web server of `stack` as a fan-out server. */
export function webServer(stack: Stack): FanoutServer {
  return {
    name: "web",
    pid: stack.web.tracked.pid,
    port: stack.web.port,
    gauge: "tweetream_web_subscriptions",
  };
}

/**
 * Why a level of `subscribers` cannot be measured here, or undefined when it
 * can: one server process holds a socket per subscriber, plus Kafka, files
 * and the rest.
 */
export function openFilesShortfall(subscribers: number): string | undefined {
  const fdLimit = openFilesLimit();
  if (subscribers + 500 <= fdLimit) return undefined;
  return `needs more than ${subscribers + 500} open files in the server process; the limit here is ${fdLimit} (ulimit -n)`;
}

/**
 * Connects `subscribers` to `server` (default: `stack`'s web server) over
 * `topics` from a fresh fleet, runs one step of `stack`'s pipeline at `rate`,
 * and closes them again.
 */
export async function fanoutLevel(
  env: ScenarioEnv,
  stack: Stack,
  options: {
    subscribers: number;
    topics: readonly string[];
    rate: number;
    name: string;
    server?: FanoutServer;
    /** More processes to sample, e.g. the idle server of a comparison. */
    alsoWatched?: Watched[];
  },
): Promise<Level> {
  const { ctx } = env;
  const server = options.server ?? webServer(stack);
  const isWeb = server.pid === stack.web.tracked.pid;
  const what = `fan-out ${options.subscribers} (${server.name})`;
  const fleet = LoadFleet.start(ctx, env.options.loadProcesses, options.name);
  try {
    const connect = await fleet.subscribe({
      url: `ws://127.0.0.1:${server.port}/graphql`,
      topics: options.topics,
      total: options.subscribers,
      metricsPort: server.port,
      gauge: server.gauge,
      timeoutMs: 300_000,
    });
    ctx.log(
      `${what}: ${connect.connected} connected in ${Math.round(connect.ms / 100) / 10}s (${connect.failed} failed${connect.firstError ? `: ${connect.firstError}` : ""})`,
    );
    const idleRssBytes = procStats(server.pid)?.rssBytes ?? 0;
    const step =
      connect.connected > 0
        ? await runPipelineStep(stack, fleet, {
            rate: options.rate,
            durationS: env.options.durationS,
            drainS: env.options.drainS,
            watchWeb: isWeb,
            extraWatched: [
              ...(isWeb ? [] : [{ name: server.name, pid: server.pid, metricsPort: server.port }]),
              ...(env.brokerPid ? [{ name: "broker", pid: env.brokerPid }] : []),
              ...(options.alsoWatched ?? []),
            ],
          })
        : null;
    if (step) {
      const figures = step.processes[server.name];
      ctx.log(
        `${what}: p99 ${step.latencyMs.p99} ms, loop p99 max ${figures?.eventLoopP99MaxMs ?? "?"} ms, ${server.name} RSS ${Math.round((figures?.rssMaxBytes ?? 0) / 2 ** 20)} MiB, ${server.name} CPU ${figures?.cpuSeconds ?? "?"} s, missing ${step.missing}`,
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
    await waitForGauge(server.port, server.gauge, 0, 60_000);
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
    for (const subscribers of options.subscribers) {
      const empty = {
        subscribers,
        connected: 0,
        failedToConnect: 0,
        connectSeconds: 0,
        step: null,
        idleRssBytes: 0,
      };
      const skipped = openFilesShortfall(subscribers);
      if (skipped) {
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
