// `npm run bench`: starts Kafka (or uses KAFKA_BROKERS), runs the chosen
// scenarios against real processes, writes bench/results/<timestamp>-<commit>.json
// and regenerates docs/BENCHMARKS.md. See docs/BENCHMARKS.md and issue #6.
import fs from "node:fs";
import path from "node:path";
import { BENCH_TOPICS, TOPIC_SETS } from "./lib/bench-topics.ts";
import { setUpRun } from "./lib/run-setup.ts";
import { writeDocs } from "./lib/docs.ts";
import { prettierFormat } from "./lib/format.ts";
import { describeMachine, gitCommit } from "./lib/machine.ts";
import { HELP, parseOptions, UsageError, type BenchOptions } from "./lib/options.ts";
import { stopAllTracked } from "./lib/processes.ts";
import { RunResults, type Scenarios } from "./lib/results.ts";
import {
  classifierScenario,
  originalClassifierScenario,
  type External,
} from "./scenarios/external.ts";
import { fanout } from "./scenarios/fanout.ts";
import { latency } from "./scenarios/latency.ts";
import { originalFanout } from "./scenarios/original-fanout.ts";
import type { ScenarioEnv } from "./scenarios/scenario.ts";
import { startup } from "./scenarios/startup.ts";
import { stockFanout } from "./scenarios/stock-fanout.ts";
import { throughput } from "./scenarios/throughput.ts";
import { topicAdmin } from "./scenarios/topic-admin.ts";

const log = (message: string) => {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

interface Outcome {
  status: "ok" | "failed" | "skipped";
  reason?: string;
  seconds: number;
}

/** Runs a scenario; a failure is recorded (with `empty` figures) and the run goes on. */
async function timed<T extends object>(
  name: string,
  body: () => Promise<T>,
  empty: T,
): Promise<T & Outcome> {
  const started = Date.now();
  log(`scenario ${name} ...`);
  try {
    const result = await body();
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    log(`scenario ${name} done in ${seconds}s`);
    return { ...result, status: "ok", seconds };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`scenario ${name} FAILED: ${reason}`);
    // Whatever the scenario started is stopped before the next one.
    await stopAllTracked(10_000);
    return {
      ...empty,
      status: "failed",
      reason: reason.slice(0, 4000),
      seconds: (Date.now() - started) / 1000,
    };
  }
}

async function external(name: string, body: () => Promise<External>) {
  const failed: External = { skipped: "failed" };
  const r = await timed(name, body, failed);
  if ("skipped" in r && r.status === "ok") {
    return { status: "skipped" as const, reason: r.skipped, seconds: r.seconds };
  }
  return {
    status: r.status,
    ...(r.reason !== undefined && { reason: r.reason }),
    seconds: r.seconds,
    ...("figures" in r && { figures: r.figures }),
  };
}

async function runScenarios(env: ScenarioEnv): Promise<Scenarios> {
  const { results, options } = env;
  const want = new Set(options.scenarios);
  if (want.has("startup"))
    results.startup = await timed("startup", () => startup(env), { runs: [] });
  if (want.has("throughput")) {
    results.throughput = await timed("throughput", () => throughput(env), {
      steps: [],
      maxSustainedRate: 0,
      subscribersPerTopic: 0,
    });
  }
  if (want.has("latency"))
    results.latency = await timed("latency", () => latency(env), { steps: [] });
  if (want.has("fanout")) {
    results.fanout = await timed("fanout", () => fanout(env), {
      rate: options.fanoutRate,
      topics: TOPIC_SETS[options.fanoutTopics].length,
      topicSet: options.fanoutTopics,
      levels: [],
    });
  }
  if (want.has("original-fanout")) {
    results["original-fanout"] = await timed("original-fanout", () => originalFanout(env), {
      rate: options.fanoutRate,
      levels: [],
    });
  }
  if (want.has("stock-fanout")) {
    results["stock-fanout"] = await timed("stock-fanout", () => stockFanout(env), {
      rate: options.fanoutRate,
      topics: TOPIC_SETS[options.fanoutTopics].length,
      topicSet: options.fanoutTopics,
      versions: {},
      levels: [],
    });
  }
  if (want.has("topic-admin")) {
    results["topic-admin"] = await timed("topic-admin", () => topicAdmin(env), {
      backgroundRate: options.fanoutRate,
      levels: [],
      leftHalfDone: [],
      leftOver: 0,
    });
  }
  if (want.has("classifier")) {
    results.classifier = await external("classifier", () => classifierScenario(env));
  }
  if (want.has("original-classifier")) {
    results["original-classifier"] = await external("original-classifier", () =>
      originalClassifierScenario(env),
    );
  }
  return results;
}

function settingsOf(options: BenchOptions) {
  const {
    outDir: _outDir,
    docs: _docs,
    keepLogs: _keepLogs,
    cpuProf: _cpuProf,
    ...settings
  } = options;
  return {
    ...settings,
    topics: [...BENCH_TOPICS],
    fanoutTopicList: [...TOPIC_SETS[options.fanoutTopics]],
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (parsed === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if ("docsFrom" in parsed) {
    const results = RunResults.parse(JSON.parse(fs.readFileSync(parsed.docsFrom, "utf8")));
    log(`docs: ${(await writeDocs(results)).join(", ")}`);
    return 0;
  }
  const options = parsed;
  const startedAt = new Date();
  const { ctx, broker, cleanUp } = await setUpRun("bench", log, (workDir) =>
    options.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${path.join(workDir, "profiles")}`] : [],
  );
  const { workDir } = ctx;

  let failed = false;
  try {
    const env: ScenarioEnv = { ctx, options, brokerPid: broker.pid, results: {} };
    const scenarios = await runScenarios(env);
    failed = Object.values(scenarios).some((s) => s.status === "failed");
    const { commit, dirty } = gitCommit();
    const results = RunResults.parse({
      schemaVersion: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      commit,
      dirty,
      command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
      settings: settingsOf(options),
      machine: describeMachine(broker.brokers, broker.started),
      scenarios,
    });
    fs.mkdirSync(options.outDir, { recursive: true });
    const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
    const file = path.join(options.outDir, `${stamp}-${commit}.json`);
    const json = await prettierFormat(JSON.stringify(results), file);
    fs.writeFileSync(file, json);
    fs.writeFileSync(path.join(options.outDir, "latest.json"), json);
    log(`results: ${file}`);
    if (options.docs) {
      const written = await writeDocs(results);
      log(`docs: ${written.join(", ")}`);
    }
  } finally {
    await cleanUp();
  }
  if (failed) log(`some scenarios failed; the services' logs are in ${workDir}`);
  else if (options.keepLogs) log(`the services' logs are in ${workDir}`);
  else fs.rmSync(workDir, { recursive: true, force: true });
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(
      `[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await stopAllTracked();
    process.exitCode = 1;
  },
);
