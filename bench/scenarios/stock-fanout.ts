// Issue #13: Tweetream's fan-out beside the stock stack a user would pick
// instead (bench/stock/stock-fanout-server.ts: graphql-ws's default
// execution, a graphql-subscriptions PubSub, one kafkajs consumer). Both read
// the same classified stream of the same topics (the fan-out scenario's
// narrow set by default), from the same kind of fleet at the same rate, one
// after the other at each subscriber count (each at every step length,
// `--repeat` times); the other server stays up, idle, and is sampled too. The
// ratios compare the medians over the runs.
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { TOPIC_SETS } from "../lib/bench-topics.ts";
import { repoRoot } from "../lib/paths.ts";
import { scrape, sumOf } from "../lib/prometheus.ts";
import { isRunning, spawnTracked, stopTracked, tailOf, type Tracked } from "../lib/processes.ts";
import type { StockFanoutResult } from "../lib/results.ts";
import { ratio, round } from "../lib/sampler.ts";
import { cpuUsPerFrame, framesPerSecond, spread, type Spread } from "../lib/step-figures.ts";
import { Stack, freePort, newPrefix } from "../lib/system.ts";
import {
  fanoutLevel,
  openFilesShortfall,
  unmeasuredLevel,
  webServer,
  type FanoutServer,
} from "./fanout.ts";
import type { ScenarioEnv } from "./scenario.ts";

type Result = z.infer<typeof StockFanoutResult>;
type Level = Result["levels"][number];
type Side = Level["stock"];

/** The packages that make up the stock stack, whose versions a result records. */
const STOCK_PACKAGES = [
  "graphql",
  "graphql-ws",
  "graphql-subscriptions",
  "@graphql-tools/schema",
  "kafkajs",
] as const;

function installedVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of STOCK_PACKAGES) {
    const file = path.join(repoRoot, "node_modules", name, "package.json");
    const parsed = z
      .object({ version: z.string() })
      .safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    versions[name] = parsed.success ? parsed.data.version : "?";
  }
  return versions;
}

/** Starts the stock server on `stack`'s topics and waits until its consumer joined its group. */
async function startStockServer(
  env: ScenarioEnv,
  stack: Stack,
  slugs: readonly string[],
): Promise<{ tracked: Tracked; server: FanoutServer }> {
  const { ctx } = env;
  const port = await freePort();
  const tracked = spawnTracked(
    "stock-fanout",
    process.execPath,
    [
      // --cpu-prof profiles it like the services.
      ...ctx.serviceNodeArgs,
      "--import",
      "tsx",
      path.join("bench", "stock", "stock-fanout-server.ts"),
      ...["--port", String(port), "--brokers", ctx.brokers, "--prefix", stack.prefix],
      ...["--topics", slugs.join(",")],
    ],
    {
      cwd: repoRoot,
      env: process.env,
      logFile: path.join(ctx.workDir, `${stack.prefix}-stock.log`),
      ipc: true,
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!isRunning(tracked)) throw new Error(`stock server exited:\n${tailOf(tracked.logFile)}`);
    const samples = await scrape(port);
    if (samples && sumOf(samples, "stock_consumer_joined") >= 1) break;
    if (Date.now() > deadline) {
      throw new Error(`stock server's consumer did not join in 60 s:\n${tailOf(tracked.logFile)}`);
    }
    await sleep(200);
  }
  return {
    tracked,
    server: {
      name: "stock",
      pid: tracked.pid,
      port,
      metricsPort: port,
      gauge: "stock_subscriptions",
    },
  };
}

type FanoutLevel = Awaited<ReturnType<typeof fanoutLevel>>[number];

const medianOrNull = (figure: Spread | null) => (figure ? round(figure.median, 1) : null);

/** A fan-out level with what a delivered frame cost `server`, the medians over its runs. */
function side(level: FanoutLevel, server: string): Side {
  return {
    ...level,
    framesPerSecond: round(spread(level.steps.map(framesPerSecond))?.median ?? 0, 1),
    cpuUsPerFrame: medianOrNull(spread(level.steps.map((step) => cpuUsPerFrame(step, server)))),
  };
}

/**
 * Tweetream's and the stock server's levels paired by step length: one pair
 * per step length either measured (the other side's connection figures with
 * no runs when it has none), or one pair when neither ran a step.
 */
function pairs(
  subscribers: number,
  ours: FanoutLevel[],
  theirs: FanoutLevel[],
): Omit<Level, "ratios">[] {
  const durations = [...new Set([...ours, ...theirs].map((l) => l.durationS))].filter(
    (d) => d !== undefined,
  );
  const at = (levels: FanoutLevel[], durationS: number | undefined): FanoutLevel => {
    const found = levels.find((l) => l.durationS === durationS);
    if (found) return found;
    const first = levels[0];
    const connection = first
      ? {
          connected: first.connected,
          failedToConnect: first.failedToConnect,
          connectSeconds: first.connectSeconds,
          idleRssBytes: first.idleRssBytes,
        }
      : { connected: 0, failedToConnect: 0, connectSeconds: 0, idleRssBytes: 0 };
    return { subscribers, ...connection, ...(durationS !== undefined && { durationS }), steps: [] };
  };
  return (durations.length > 0 ? durations : [undefined]).map((durationS) => ({
    subscribers,
    ...(durationS !== undefined && { durationS }),
    tweetream: side(at(ours, durationS), "web"),
    stock: side(at(theirs, durationS), "stock"),
  }));
}

/** stock ÷ Tweetream of the medians over the runs of a pair. */
function ratiosOf(pair: Omit<Level, "ratios">): Level["ratios"] {
  const p99 = (s: Side) => spread(s.steps.map((step) => step.latencyMs.p99))?.median;
  return {
    p99: ratio(p99(pair.stock), p99(pair.tweetream)),
    cpuPerFrame: ratio(pair.stock.cpuUsPerFrame, pair.tweetream.cpuUsPerFrame),
  };
}

export async function stockFanout(env: ScenarioEnv): Promise<Omit<Result, "status" | "seconds">> {
  const { ctx, options } = env;
  const topics = TOPIC_SETS[options.fanoutTopics];
  const slugs = topics.map((t) => t.slug);
  const result = {
    rate: options.fanoutRate,
    topics: topics.length,
    topicSet: options.fanoutTopics,
    versions: installedVersions(),
  };
  const levels: Level[] = [];
  const stack = await Stack.start(ctx, { prefix: newPrefix(ctx, "stock") });
  let stock: Awaited<ReturnType<typeof startStockServer>> | undefined;
  try {
    await stack.createTopics(topics);
    await stack.startClassifier();
    stock = await startStockServer(env, stack, slugs);
    const web = webServer(stack);
    for (const subscribers of options.stockSubscribers) {
      // Each server on its own; the other keeps no subscriber meanwhile.
      const skipped =
        openFilesShortfall(subscribers, {
          loadProcesses: options.loadProcesses,
          serverPid: web.pid,
        }) ??
        openFilesShortfall(subscribers, {
          loadProcesses: options.loadProcesses,
          serverPid: stock.server.pid,
        });
      if (skipped) {
        ctx.log(`stock fan-out ${subscribers}: skipped, ${skipped}`);
        const empty = {
          ...unmeasuredLevel(subscribers),
          skipped,
          framesPerSecond: 0,
          cpuUsPerFrame: null,
        };
        levels.push({
          subscribers,
          tweetream: empty,
          stock: empty,
          ratios: { p99: null, cpuPerFrame: null },
        });
        continue;
      }
      try {
        const common = { subscribers, topics: slugs, rate: options.fanoutRate };
        const ours = await fanoutLevel(env, stack, {
          ...common,
          name: `tw${subscribers}`,
          alsoWatched: [{ name: "stock-idle", pid: stock.server.pid }],
        });
        const failed = ours.find((l) => l.error !== undefined);
        const theirs = failed
          ? []
          : await fanoutLevel(env, stack, {
              ...common,
              name: `stock${subscribers}`,
              server: stock.server,
              alsoWatched: [{ name: "web-idle", pid: web.pid }],
            });
        for (const pair of pairs(subscribers, ours, theirs)) {
          const ratios = ratiosOf(pair);
          ctx.log(
            `stock fan-out ${subscribers}${pair.durationS ? `, ${pair.durationS} s` : ""}: CPU/frame median ${pair.tweetream.cpuUsPerFrame ?? "?"} µs (Tweetream) vs ${pair.stock.cpuUsPerFrame ?? "?"} µs (stock), ratios of medians p99 ${ratios.p99 ?? "?"}, CPU/frame ${ratios.cpuPerFrame ?? "?"}`,
          );
          levels.push({ ...pair, ratios });
        }
        // Keep the smaller levels' figures; a larger one would fail too.
        const error = [...ours, ...theirs].find((l) => l.error !== undefined)?.error;
        if (error !== undefined) {
          return { ...result, levels, error: `${subscribers} subscribers: ${error}` };
        }
      } catch (error) {
        // Keep the smaller levels' figures; a larger one would fail too.
        const message = error instanceof Error ? error.message : String(error);
        ctx.log(`stock fan-out ${subscribers} failed: ${message}`);
        return {
          ...result,
          levels,
          error: `${subscribers} subscribers: ${message.slice(0, 2000)}`,
        };
      }
    }
  } finally {
    if (stock) await stopTracked(stock.tracked, 30_000);
    await stack.stop();
  }
  return { ...result, levels };
}
