// Command-line options of `npm run bench` (node:util parseArgs).
import path from "node:path";
import { parseArgs } from "node:util";
import { TOPIC_SETS, type TopicSetName } from "./bench-topics.ts";
import { repoRoot } from "./paths.ts";

/** Every scenario, in the order a run executes them. */
export const SCENARIOS = [
  "startup",
  "throughput",
  "latency",
  "fanout",
  "original-fanout",
  "stock-fanout",
  "topic-admin",
  // INTEGRATION POINT: scenarios 4 and 5b are written by another engineer and
  // run through scenarios/external.ts when their files exist (skipped otherwise).
  "classifier",
  "original-classifier",
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** The settings of a run (all recorded in the results). */
export interface BenchOptions {
  scenarios: ScenarioName[];
  quick: boolean;
  /** Seconds per measured step (after the warm-up) of every scenario but the three below. */
  durationS: number;
  /** Step lengths, seconds, at which latency, fanout and stock-fanout run each step (default [durationS]). */
  durations: number[];
  /** Runs of each step of latency, fanout and stock-fanout, per step length (default 1). */
  repeat: number;
  /** Seconds of posts before each step's measured ones, kept apart as its warm-up (default 5; --quick 1). */
  warmupS: number;
  /** Throughput steps, posts/s. */
  rates: number[];
  /** Latency scenario rates, posts/s; the 80%-of-maximum step is added when known. */
  latencyRates: number[];
  /** Fan-out subscriber counts. */
  subscribers: number[];
  /** Subscriber counts for the original design's fan-out comparison. */
  originalSubscribers: number[];
  /** Subscriber counts for the stock stack's fan-out comparison (`--subscribers` when given). */
  stockSubscribers: number[];
  /** Concurrent admin clients in the topic-admin scenario. */
  adminClients: number[];
  /** Create + delete pairs per admin client. */
  adminIterations: number;
  /** Posts/s during fan-out and topic-admin. */
  fanoutRate: number;
  /** The topics fan-out subscribers follow (bench-topics.ts). */
  fanoutTopics: TopicSetName;
  /** Load processes for the fan-out. */
  loadProcesses: number;
  /** Seconds a step may take after the last post to deliver everything. */
  drainS: number;
  outDir: string;
  docs: boolean;
  /** Keep the services' logs and catalogues (always kept when a scenario failed). */
  keepLogs: boolean;
  /** V8 --cpu-prof of web, classifier, streamer and the stock server, into the logs folder. */
  cpuProf: boolean;
}

const HELP = `Usage: npm run bench -- [options]

  --scenario NAME[,NAME]  scenarios to run (repeatable): ${SCENARIOS.join(", ")} (default: all)
  --duration SECONDS      seconds per measured step (default 60; --quick 3)
  --durations S,S,...     step lengths for latency, fanout and stock-fanout: each step runs
                          at each of them (default: --duration); e.g. 30,60
  --repeat N              runs of each step of latency, fanout and stock-fanout, per step
                          length; the docs give the median and the worst (default 1; 3 for
                          a reference run)
  --warmup-seconds S      seconds of posts at the start of every step kept apart as its
                          warm-up, before the measured --duration (default 5; --quick 1; 0: none)
  --rates N,N,...         throughput steps in posts/s (default 500,1000,2000,3000,4000,6000,8000)
  --latency-rates N,...   latency scenario rates (default 100,1000; 80% of the max is added)
  --subscribers N,N,...   fan-out subscriber counts (default 1000,5000,10000,19000), also
                          those of stock-fanout when given (its default 1000,5000,10000)
  --original-subscribers N,...  original design's fan-out (default 100,500,1000)
  --fanout-topics SET     topics fan-out and stock-fanout subscribers follow: narrow (20
                          one-word topics, ~3% of posts each) or broad (the 4 topics of the
                          other scenarios, ~62% each) (default narrow)
  --admin-clients N,...   concurrent admins in topic-admin (default 10,50,100)
  --quick                 tiny smoke settings (seconds per scenario; for the test suite)
  --out DIR               where results are written (default bench/results)
  --no-docs               do not regenerate docs/BENCHMARKS.md
  --keep-logs             keep the services' logs (kept anyway when a scenario fails)
  --cpu-prof              V8 CPU profiles of web, classifier, streamer and the stock-fanout
                          server (in the logs folder)
  --docs-from FILE        only regenerate docs/BENCHMARKS.md from a results file, run nothing
  --help                  this text
`;

function numbers(value: string | undefined, name: string, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  const list = value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean)
    .map(Number);
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new UsageError(`--${name} needs positive numbers separated by commas, got "${value}"`);
  }
  return list;
}

/** A bad command line; the message says what to fix. */
export class UsageError extends Error {}

/** Parses the command line; throws UsageError (with the help text) on a bad option. */
export function parseOptions(
  argv: readonly string[],
): BenchOptions | "help" | { docsFrom: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        scenario: { type: "string", multiple: true },
        duration: { type: "string" },
        durations: { type: "string" },
        repeat: { type: "string" },
        "warmup-seconds": { type: "string" },
        rates: { type: "string" },
        "latency-rates": { type: "string" },
        subscribers: { type: "string" },
        "original-subscribers": { type: "string" },
        "fanout-topics": { type: "string" },
        "admin-clients": { type: "string" },
        quick: { type: "boolean", default: false },
        out: { type: "string" },
        "no-docs": { type: "boolean", default: false },
        "keep-logs": { type: "boolean", default: false },
        "cpu-prof": { type: "boolean", default: false },
        "docs-from": { type: "string" },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
  }
  if (values.help) return "help";
  if (values["docs-from"] !== undefined) return { docsFrom: path.resolve(values["docs-from"]) };
  const quick = values.quick;
  const scenarios = (values.scenario ?? [...SCENARIOS])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new UsageError(`unknown scenario "${s}"; choose from ${SCENARIOS.join(", ")}`);
    }
  }
  const fanoutTopics = values["fanout-topics"] ?? "narrow";
  if (!isTopicSet(fanoutTopics)) {
    throw new UsageError(
      `unknown --fanout-topics "${fanoutTopics}"; choose from ${Object.keys(TOPIC_SETS).join(", ")}`,
    );
  }
  const durationS = numbers(values.duration, "duration", [quick ? 3 : 60])[0] ?? 60;
  const repeat = numbers(values.repeat, "repeat", [1])[0] ?? 1;
  if (!Number.isInteger(repeat)) {
    throw new UsageError(`--repeat needs a whole number, got "${values.repeat ?? ""}"`);
  }
  const warmupS = Number(values["warmup-seconds"] ?? (quick ? 1 : 5));
  if (!Number.isFinite(warmupS) || warmupS < 0) {
    throw new UsageError(
      `--warmup-seconds needs a number of seconds (0 or more), got "${values["warmup-seconds"] ?? ""}"`,
    );
  }
  return {
    scenarios: SCENARIOS.filter((s) => scenarios.includes(s)),
    quick,
    durationS,
    durations: [...new Set(numbers(values.durations, "durations", [durationS]))],
    repeat,
    warmupS,
    rates: numbers(
      values.rates,
      "rates",
      quick ? [100, 300] : [500, 1000, 2000, 3000, 4000, 6000, 8000],
    ),
    latencyRates: numbers(
      values["latency-rates"],
      "latency-rates",
      quick ? [50, 200] : [100, 1000],
    ),
    subscribers: numbers(
      values.subscribers,
      "subscribers",
      quick ? [10, 40] : [1000, 5000, 10000, 19000],
    ),
    stockSubscribers: numbers(
      values.subscribers,
      "subscribers",
      quick ? [10] : [1000, 5000, 10000],
    ),
    originalSubscribers: numbers(
      values["original-subscribers"],
      "original-subscribers",
      quick ? [3, 6] : [100, 500, 1000],
    ),
    adminClients: numbers(values["admin-clients"], "admin-clients", quick ? [2, 4] : [10, 50, 100]),
    adminIterations: quick ? 2 : 3,
    fanoutRate: quick ? 50 : 100,
    fanoutTopics,
    loadProcesses: quick ? 1 : 2,
    drainS: quick ? 15 : 30,
    outDir: path.resolve(values.out ?? path.join(repoRoot, "bench", "results")),
    docs: !values["no-docs"],
    keepLogs: values["keep-logs"] || values["cpu-prof"],
    cpuProf: values["cpu-prof"],
  };
}

export { HELP };

function isTopicSet(name: string): name is TopicSetName {
  return Object.hasOwn(TOPIC_SETS, name);
}
