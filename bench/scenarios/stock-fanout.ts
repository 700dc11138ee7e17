// Issue #13: Tweetream's fan-out beside the stock stack a user would pick
// instead (bench/stock/stock-fanout-server.ts: graphql-ws's default
// execution, a graphql-subscriptions PubSub, one kafkajs consumer). Both read
// the same classified stream of the same topics (the fan-out scenario's
// narrow set by default), from the same kind of fleet at the same rate, one
// after the other at each subscriber count; the other server stays up, idle,
// and is sampled too.
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
import { Stack, freePort, newPrefix } from "../lib/system.ts";
import { fanoutLevel, openFilesShortfall, webServer, type FanoutServer } from "./fanout.ts";
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
    server: { name: "stock", pid: tracked.pid, port, gauge: "stock_subscriptions" },
  };
}

/** A fan-out level with what a delivered frame cost `server`. */
function side(level: Awaited<ReturnType<typeof fanoutLevel>>, server: string): Side {
  const step = level.step;
  const cpuSeconds = step?.processes[server]?.cpuSeconds;
  return {
    ...level,
    framesPerSecond: step ? round(step.deliveries / step.durationS, 1) : 0,
    cpuUsPerFrame:
      step && step.deliveries > 0 && cpuSeconds !== undefined
        ? round((cpuSeconds * 1e6) / step.deliveries, 1)
        : null,
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
      const skipped = openFilesShortfall(subscribers);
      if (skipped) {
        ctx.log(`stock fan-out ${subscribers}: skipped, ${skipped}`);
        const empty = {
          subscribers,
          connected: 0,
          failedToConnect: 0,
          connectSeconds: 0,
          step: null,
          idleRssBytes: 0,
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
        const tweetream = side(
          await fanoutLevel(env, stack, {
            ...common,
            name: `tw${subscribers}`,
            alsoWatched: [{ name: "stock-idle", pid: stock.server.pid }],
          }),
          web.name,
        );
        const theirs = side(
          await fanoutLevel(env, stack, {
            ...common,
            name: `stock${subscribers}`,
            server: stock.server,
            alsoWatched: [{ name: "web-idle", pid: web.pid }],
          }),
          stock.server.name,
        );
        const ratios = {
          p99: ratio(theirs.step?.latencyMs.p99, tweetream.step?.latencyMs.p99),
          cpuPerFrame: ratio(theirs.cpuUsPerFrame, tweetream.cpuUsPerFrame),
        };
        ctx.log(
          `stock fan-out ${subscribers}: CPU/frame ${tweetream.cpuUsPerFrame ?? "?"} µs (Tweetream) vs ${theirs.cpuUsPerFrame ?? "?"} µs (stock), ratios p99 ${ratios.p99 ?? "?"}, CPU/frame ${ratios.cpuPerFrame ?? "?"}`,
        );
        levels.push({ subscribers, tweetream, stock: theirs, ratios });
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
