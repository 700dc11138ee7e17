// Scenario 7: start-up. The start command is the `npm start` supervisor
// (tooling/start.ts, without its dependency check and dashboard build, with
// KAFKA_BROKERS pointing at the running broker). Cold: a fresh catalogue, so
// an admin creates the topic as soon as web is ready. Warm: the same
// catalogue again, a subscriber connects as soon as web is ready.
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { BENCH_TOPICS } from "../lib/bench-topics.ts";
import { graphql } from "../lib/graphql-http.ts";
import { LoadFleet } from "../lib/load-fleet.ts";
import { repoRoot } from "../lib/paths.ts";
import { isRunning, spawnTracked, stopTracked, tailOf } from "../lib/processes.ts";
import type { StartupResult } from "../lib/results.ts";
import { round } from "../lib/sampler.ts";
import { Stack, freePort, newPrefix } from "../lib/system.ts";
import type { ScenarioEnv } from "./scenario.ts";
import { z as zod } from "zod";

type Run = z.infer<typeof StartupResult>["runs"][number];

const COMMAND = "node --import tsx tooling/start.ts";

async function startOnce(env: ScenarioEnv, prefix: string, kind: "cold" | "warm"): Promise<Run> {
  const { ctx } = env;
  const topic = BENCH_TOPICS[0];
  if (!topic) throw new Error("no bench topic");
  const [webPort, webHealthPort, classifierPort, streamerPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  // The subscriber's process is up before the clock starts.
  const fleet = LoadFleet.start(ctx, 1, `start-${kind}`);
  const logFile = path.join(ctx.workDir, `${prefix}-start-${kind}.log`);
  const t0 = Date.now();
  const supervisor = spawnTracked(
    "start",
    process.execPath,
    ["--import", "tsx", "tooling/start.ts"],
    {
      cwd: repoRoot,
      env: {
        ...Stack.commonEnv(ctx, prefix),
        ...Stack.webEnv(ctx, prefix, webPort, webHealthPort),
        CLASSIFIER_HEALTH_PORT: String(classifierPort),
        STREAMER_HEALTH_PORT: String(streamerPort),
        SYNTHETIC_RATE: "100",
      },
      logFile,
    },
  );
  const seconds = () => round((Date.now() - t0) / 1000, 2);
  const run: Run = {
    kind,
    command: COMMAND,
    webReadyS: null,
    allReadyS: null,
    topicCreatedS: null,
    firstPostS: null,
  };
  try {
    const deadline = t0 + 240_000;
    const alive = () => {
      if (!isRunning(supervisor)) throw new Error(`start command exited:\n${tailOf(logFile)}`);
    };
    for (;;) {
      alive();
      if (Date.now() > deadline) throw new Error(`web not ready:\n${tailOf(logFile)}`);
      const ok = await fetch(`http://127.0.0.1:${webHealthPort}/readyz`, {
        signal: AbortSignal.timeout(2000),
      })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      await sleep(50);
    }
    run.webReadyS = seconds();
    const url = `http://127.0.0.1:${webPort}/graphql`;
    if (kind === "cold") {
      await graphql(
        url,
        "mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug } }",
        { input: { slug: topic.slug, name: topic.slug, rule: topic.rule } },
        zod.unknown(),
        ctx.adminToken,
      );
      run.topicCreatedS = seconds();
    }
    await fleet.subscribe({
      url: `ws://127.0.0.1:${webPort}/graphql`,
      topics: [topic.slug],
      total: 1,
      metricsPort: webHealthPort,
      timeoutMs: 60_000,
    });
    for (;;) {
      alive();
      if (Date.now() > deadline) throw new Error(`no post on the subscriber:\n${tailOf(logFile)}`);
      if (run.allReadyS === null && fs.readFileSync(logFile, "utf8").includes("Tweetream is up")) {
        run.allReadyS = seconds();
      }
      const report = await fleet.report();
      if ((report.topics[topic.slug]?.deliveries ?? 0) > 0) break;
      await sleep(50);
    }
    run.firstPostS = seconds();
    // The supervisor polls /readyz, so it may say so a little after the first post.
    while (run.allReadyS === null && Date.now() < deadline) {
      alive();
      if (fs.readFileSync(logFile, "utf8").includes("Tweetream is up")) run.allReadyS = seconds();
      else await sleep(50);
    }
    ctx.log(
      `start-up (${kind}): web ready ${run.webReadyS}s, first post ${run.firstPostS}s after the start command`,
    );
    return run;
  } finally {
    await fleet.close();
    await stopTracked(supervisor, 60_000);
  }
}

export async function startup(
  env: ScenarioEnv,
): Promise<Omit<z.infer<typeof StartupResult>, "status" | "seconds">> {
  const prefix = newPrefix(env.ctx, "start");
  const cold = await startOnce(env, prefix, "cold");
  // --quick: the cold run alone shows the scenario works.
  if (env.options.quick) return { runs: [cold] };
  const warm = await startOnce(env, prefix, "warm");
  return { runs: [cold, warm] };
}
