// Scenario 3: one web process with many subscribers (spread over the bench
// topics) at a modest rate: delivery latency, event-loop lag, memory, CPU per
// frame; each level at every step length (`--durations`), `--repeat` times.
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { TOPIC_SETS } from "../lib/bench-topics.ts";
import { LoadFleet } from "../lib/load-fleet.ts";
import { runPipelineStep } from "../lib/pipeline-step.ts";
import { openFilesLimit, procStats } from "../lib/proc-stats.ts";
import { scrape, sumOf } from "../lib/prometheus.ts";
import type { FanoutResult } from "../lib/results.ts";
import { cpuUsPerFrame } from "../lib/step-figures.ts";
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
  /** Where clients connect. */
  port: number;
  /** Where its /metrics answers (web: the internal port). */
  metricsPort: number;
  /** Its gauge of open subscriptions on /metrics. */
  gauge: string;
}

/** The web server of `stack` as a fan-out server. */
export function webServer(stack: Stack): FanoutServer {
  return {
    name: "web",
    pid: stack.web.pid,
    port: stack.web.port,
    metricsPort: stack.web.healthPort,
    gauge: "tweetream_web_subscriptions",
  };
}

/** Open files a process needs beside its sockets (Kafka, logs, IPC, the catalogue, ...). */
const SERVER_FILES = 500;
const LOAD_PROCESS_FILES = 100;

/** A level of `subscribers` that measured nothing (skipped, or failed before its step). */
export function unmeasuredLevel(subscribers: number) {
  return {
    subscribers,
    connected: 0,
    failedToConnect: 0,
    connectSeconds: 0,
    steps: [],
    idleRssBytes: 0,
  };
}

/**
 * Why a level of `subscribers` cannot be measured here, or undefined when it
 * can: the server process (`serverPid`) holds a socket per subscriber, and
 * each of the `loadProcesses` one per subscriber it opens. Read from each
 * process's own limit when its pid is given, else from this process's, which
 * every process the harness starts inherits.
 */
export function openFilesShortfall(
  subscribers: number,
  options: { loadProcesses: number; serverPid?: number; loadPids?: readonly number[] },
): string | undefined {
  const serverLimit = openFilesLimit(options.serverPid);
  if (subscribers + SERVER_FILES > serverLimit) {
    return `needs more than ${subscribers + SERVER_FILES} open files in the server process; the limit here is ${serverLimit} (ulimit -n)`;
  }
  const perLoad = Math.ceil(subscribers / options.loadProcesses) + LOAD_PROCESS_FILES;
  for (const pid of options.loadPids ?? ["self" as const]) {
    const limit = openFilesLimit(pid);
    if (perLoad > limit) {
      return `needs more than ${perLoad} open files in each of ${options.loadProcesses} load processes; the limit here is ${limit} (ulimit -n)`;
    }
  }
  return undefined;
}

/**
 * Connects `subscribers` to `server` (default: `stack`'s web server) over
 * `topics` from a fresh fleet, runs `repeat` rounds of one step of `stack`'s
 * pipeline at `rate` per step length in `durations` (default: the run's
 * --durations and --repeat), and closes them again. Returns a level per step
 * length that ran; a step that fails ends the runs and is recorded as the
 * `error` of its step length's level.
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
    durations?: readonly number[];
    repeat?: number;
  },
): Promise<Level[]> {
  const { ctx } = env;
  const server = options.server ?? webServer(stack);
  const isWeb = server.pid === stack.web.pid;
  const durations = options.durations ?? env.options.durations;
  const repeat = options.repeat ?? env.options.repeat;
  const what = `fan-out ${options.subscribers} (${server.name})`;
  const fleet = LoadFleet.start(ctx, env.options.loadProcesses, options.name);
  try {
    const short = openFilesShortfall(options.subscribers, {
      loadProcesses: env.options.loadProcesses,
      serverPid: server.pid,
      loadPids: fleet.pids,
    });
    if (short) throw new Error(short);
    const connect = await fleet.subscribe({
      url: `ws://127.0.0.1:${server.port}/graphql`,
      topics: options.topics,
      total: options.subscribers,
      metricsPort: server.metricsPort,
      gauge: server.gauge,
      timeoutMs: 300_000,
    });
    ctx.log(
      `${what}: ${connect.connected} connected in ${Math.round(connect.ms / 100) / 10}s (${connect.failed} failed${connect.firstError ? `: ${connect.firstError}` : ""})`,
    );
    const connected = {
      subscribers: options.subscribers,
      connected: connect.connected,
      failedToConnect: connect.failed,
      connectSeconds: Math.round(connect.ms / 100) / 10,
      idleRssBytes: procStats(server.pid)?.rssBytes ?? 0,
    };
    if (connect.connected === 0) return [{ ...connected, steps: [] }];
    const levels = new Map<number, Level>();
    const levelOf = (durationS: number) => {
      let level = levels.get(durationS);
      if (!level) {
        level = { ...connected, durationS, steps: [] };
        levels.set(durationS, level);
      }
      return level;
    };
    // Round by round, each step length in turn, so slow drift of the machine
    // spreads over every step length rather than landing on one.
    runs: for (let run = 1; run <= repeat; run++) {
      for (const durationS of durations) {
        const level = levelOf(durationS);
        try {
          const step = await runPipelineStep(stack, fleet, {
            rate: options.rate,
            durationS,
            warmupS: env.options.warmupS,
            drainS: env.options.drainS,
            watchWeb: isWeb,
            extraWatched: [
              ...(isWeb
                ? []
                : [{ name: server.name, pid: server.pid, metricsPort: server.metricsPort }]),
              ...(env.brokerPid ? [{ name: "broker", pid: env.brokerPid }] : []),
              ...(options.alsoWatched ?? []),
            ],
          });
          level.steps.push({ ...step, repeat: run });
          const figures = step.processes[server.name];
          ctx.log(
            `${what}, ${durationS} s, run ${run}/${repeat}: p99 ${step.latencyMs.p99} ms (warm-up ${step.warmupLatencyMs.p99} ms), loop p99 max ${figures?.eventLoopP99MaxMs ?? "?"} ms, ${server.name} RSS ${Math.round((figures?.rssMaxBytes ?? 0) / 2 ** 20)} MiB, CPU/frame ${cpuUsPerFrame(step, server.name) ?? "?"} µs, missing ${step.missing}`,
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          ctx.log(`${what}, ${durationS} s, run ${run}/${repeat} failed: ${message}`);
          level.error = `run ${run}: ${message.slice(0, 2000)}`;
          break runs;
        }
      }
    }
    return [...levels.values()];
  } finally {
    await fleet.close();
    await waitForGauge(server.metricsPort, server.gauge, 0, 60_000);
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
      const empty = unmeasuredLevel(subscribers);
      const skipped = openFilesShortfall(subscribers, {
        loadProcesses: options.loadProcesses,
        serverPid: stack.web.pid,
      });
      if (skipped) {
        ctx.log(`fan-out ${subscribers}: skipped, ${skipped}`);
        levels.push({ ...empty, skipped });
        continue;
      }
      try {
        const measured = await fanoutLevel(env, stack, {
          subscribers,
          topics: topics.map((t) => t.slug),
          rate: options.fanoutRate,
          name: `fan${subscribers}`,
        });
        levels.push(...measured);
        // Keep what the smaller levels measured; a larger one would fail too.
        if (measured.some((l) => l.error !== undefined)) break;
      } catch (error) {
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
