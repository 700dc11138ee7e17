// Regenerates docs/BENCHMARKS.md and its charts (docs/benchmarks/*.svg) from
// one run's results. The lead's notes between the LEAD NOTES markers survive
// regeneration.
import fs from "node:fs";
import path from "node:path";
import { prettierFormat } from "./format.ts";
import { groupedBarSpec, lineSpec, renderSvg, type Row } from "./charts.ts";
import { repoRoot } from "./paths.ts";
import type { RunResults, Step } from "./results.ts";
import { cpuUsPerFrame, framesPerSecond, groupBy, spread, type Spread } from "./step-figures.ts";
import { z } from "zod";

// The shapes of the external scenarios' figures as they were when this was
// written; anything else is shown as JSON.
const InferenceFigures = z.object({
  model: z.object({ name: z.string(), version: z.string() }),
  distinctPosts: z.number(),
  durationMs: z.number(),
  cpu: z.string(),
  results: z.array(
    z.object({
      batchSize: z.number(),
      postsPerSecond: z.number(),
      callMs: z.object({ p50: z.number(), p99: z.number() }),
    }),
  ),
});
const LoopFigures = z.object({
  posts: z.number(),
  seconds: z.number(),
  postsPerSecond: z.number().nullable(),
  predictSeconds: z.number(),
  python: z.string().optional(),
  scikitLearn: z.string().optional(),
});

const asJson = (figures: unknown) =>
  `\`\`\`json\n${JSON.stringify(figures, null, 2).slice(0, 4000)}\n\`\`\``;

/** Where the docs go: docs/BENCHMARKS.md and docs/benchmarks/ by default. */
export interface DocsTarget {
  doc: string;
  chartDir: string;
}

const DEFAULT_TARGET: DocsTarget = {
  doc: path.join(repoRoot, "docs", "BENCHMARKS.md"),
  chartDir: path.join(repoRoot, "docs", "benchmarks"),
};
const NOTES_START = "<!-- LEAD NOTES: start (kept when the file is regenerated) -->";
const NOTES_END = "<!-- LEAD NOTES: end -->";
const NOTES_PLACEHOLDER =
  "_To be filled in by the lead after the reference run: the profile of the bottleneck (`--cpu-prof`), what was fixed, what limits the rest._";

const mib = (bytes: number | undefined) =>
  bytes === undefined ? "–" : `${Math.round(bytes / 2 ** 20).toLocaleString("en-US")} MiB`;
const num = (n: number | undefined | null, digits = 0) =>
  n === undefined || n === null || Number.isNaN(n)
    ? "–"
    : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const ms = (n: number | undefined) => (n === undefined ? "–" : `${num(n, 1)} ms`);

/**
 * A figure over the runs of a step: "median / worst" when there were several
 * runs, the one value otherwise, "–" when unknown.
 */
function mw(figure: Spread | null, format: (n: number) => string): string {
  if (!figure) return "–";
  if (figure.runs === 1) return format(figure.median);
  return `${format(figure.median)} / ${format(figure.worst)}`;
}
const mwMs = (figure: Spread | null) => mw(figure, (n) => ms(n));
const mwMib = (figure: Spread | null) => mw(figure, (n) => mib(n));
const us = (n: number) => `${num(n, 1)} µs`;

/** The runs of a step as one spread per figure the docs report. */
function runFigures(steps: readonly Step[], server: string) {
  const of = (f: (s: Step) => number | null | undefined) => spread(steps.map(f));
  return {
    p50: of((s) => s.latencyMs.p50),
    p95: of((s) => s.latencyMs.p95),
    p99: of((s) => s.latencyMs.p99),
    max: of((s) => s.latencyMs.max),
    warmupP99: of((s) => s.warmupLatencyMs?.p99),
    deliveries: of((s) => s.latencyMs.count),
    missing: of((s) => s.missing),
    rss: of((s) => s.processes[server]?.rssMaxBytes),
    loopP99: of((s) => s.processes[server]?.eventLoopP99MaxMs),
    cores: of((s) => s.processes[server]?.cpuCores),
    cpuPerFrame: of((s) => cpuUsPerFrame(s, server)),
    framesPerSecond: of((s) => framesPerSecond(s)),
    hopP99: (stage: string) => of((s) => s.hopsMs?.[stage]?.p99),
  };
}

/** The run of `steps` with the highest p99 (the one whose limits the docs explain). */
function worstRun(steps: readonly Step[]): Step | undefined {
  return steps.reduce<Step | undefined>(
    (worst, s) => (worst === undefined || s.latencyMs.p99 > worst.latencyMs.p99 ? s : worst),
    undefined,
  );
}

/** "run 2 of 3, the highest p99" for a repeated step, "" for a single run. */
function whichRun(step: Step, runs: number): string {
  return runs > 1 ? ` (run ${String(step.repeat ?? "?")} of ${String(runs)}, the highest p99)` : "";
}

/** Of groups of runs (one step length each), the runs of the longest step length. */
function longestRuns<T extends Step>(groups: readonly T[][]): T[] | undefined {
  return [...groups].sort((a, b) => (b[0]?.durationS ?? 0) - (a[0]?.durationS ?? 0))[0];
}

/** "30 ms" for one run; "30 ms (median of 3 runs of 60 s; worst 41 ms)" for several. */
function overRuns(figure: Spread | null, runs: readonly Step[], format: (n: number) => string) {
  if (!figure) return "–";
  if (figure.runs === 1) return format(figure.median);
  return `${format(figure.median)} (median of ${String(figure.runs)} runs of ${num(runs[0]?.durationS)} s; worst ${format(figure.worst)})`;
}

/** The pipeline's stages in the order a post passes them; others after. */
const STAGES: Record<string, string> = {
  classified: "ingest → classified (classifier)",
  delivered: "ingest → handed to subscribers (web)",
};
const stageOrder = (stage: string) => {
  const i = Object.keys(STAGES).indexOf(stage);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
};
const stageTitle = (stage: string) => STAGES[stage] ?? `ingest → ${stage}`;

/** Seconds of posts a step sent, its warm-up included (what count-based rates divide by). */
const sentSeconds = (step: Step) => step.durationS + step.warmupS;

function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Preserves the lead's notes of a section (by key) from the current file. */
function leadNotes(existing: string, key: string): string {
  const start = `${NOTES_START.replace("-->", "")}${key} -->`;
  const i = existing.indexOf(start);
  const j = existing.indexOf(NOTES_END, i);
  const kept = i >= 0 && j > i ? existing.slice(i + start.length, j).trim() : NOTES_PLACEHOLDER;
  return `${start}\n\n${kept}\n\n${NOTES_END}`;
}

/** The CPU use of each process during a step, busiest first. */
function cpuLine(step: Step): string {
  return Object.entries(step.processes)
    .filter(([name]) => name !== "machine")
    .sort((a, b) => b[1].cpuCores - a[1].cpuCores)
    .map(([name, p]) => `${name} ${num(p.cpuCores, 2)}`)
    .join(", ");
}

/** Generated explanation of what limited a step, from its measurements. */
function limitOf(step: Step, cores: number): string {
  const why: string[] = [];
  if (step.missing > 0) {
    const drops = step.slowSubscriberDrops;
    why.push(
      `${num(step.missing)} deliveries missing after the drain time${drops === null ? "" : ` (the web process ended ${num(drops)} subscriptions that fell behind its history, \`tweetream_web_subscriber_too_slow_total\`)`}`,
    );
  }
  if (step.consumerLagSeconds >= 2) why.push(`classifier lag ${num(step.consumerLagSeconds, 2)} s`);
  if (step.achievedRate < 0.95 * step.targetRate) {
    why.push(`the source reached only ${num(step.achievedRate)} posts/s (Kafka back-pressure)`);
  }
  const procs = Object.entries(step.processes)
    .filter(([name]) => name !== "machine")
    .sort((a, b) => b[1].cpuCores - a[1].cpuCores);
  const total = measuredCores(step);
  const busiest = procs[0];
  const saturated = procs.filter(([, p]) => p.cpuCores >= 0.85).map(([n]) => n);
  const cpu =
    `CPU in cores: ${cpuLine(step)} (total ${num(total, 2)} of ${cores})` +
    (saturated.length
      ? `; ${saturated.join(", ")} ${saturated.length > 1 ? "were" : "was"} at about one full core (a Node.js process runs its JavaScript on one thread)`
      : "") +
    (total >= cores * 0.85 ? "; the machine's cores were used up" : "") +
    (busiest ? `; busiest: ${busiest[0]}` : "");
  const machine = step.processes.machine?.cpuCores;
  const others =
    machine !== undefined
      ? ` The whole machine was busy ${num(machine, 2)} of ${cores} cores on average, so other work took about ${num(Math.max(0, machine - total), 2)} cores` +
        (machine >= cores * 0.9 ? ": the processes under test were waiting for CPU." : ".")
      : "";
  return `${why.length ? `${why.join("; ")}. ` : ""}${cpu}.${others}`;
}

/** CPU (cores) of the processes a step sampled, the whole machine left out. */
function measuredCores(step: Step): number {
  return Object.entries(step.processes)
    .filter(([name]) => name !== "machine")
    .reduce((sum, [, p]) => sum + p.cpuCores, 0);
}

/** Above this many cores of other work in any step, a run is not a reference run. */
const QUIET_OTHER_CORES = 0.1;

/**
 * The most CPU (cores) that processes outside the run used during any step of
 * scenarios 1–3 and 8 that sampled every process of the run, the broker
 * included (5a leaves the idle web process unsampled).
 */
function mostOtherWork(results: RunResults): number | undefined {
  const s = results.scenarios;
  const steps = [
    ...(s.throughput?.steps ?? []),
    ...(s.latency?.steps ?? []),
    ...(s.fanout?.levels ?? []).flatMap((l) => l.steps),
    ...(s["stock-fanout"]?.levels ?? []).flatMap((l) => [...l.tweetream.steps, ...l.stock.steps]),
  ];
  let most: number | undefined;
  for (const step of steps) {
    if (step.processes.broker === undefined) continue;
    const machine = step.processes.machine?.cpuCores;
    if (machine === undefined) continue;
    most = Math.max(most ?? 0, machine - measuredCores(step));
  }
  return most;
}

async function chart(chartDir: string, name: string, svg: Promise<string>): Promise<string> {
  fs.mkdirSync(chartDir, { recursive: true });
  fs.writeFileSync(path.join(chartDir, name), await svg);
  return `![${name}](benchmarks/${name})`;
}

function stepRow(s: Step): (string | number)[] {
  return [
    num(s.targetRate),
    num(s.achievedRate),
    `${num(s.deliveries)} / ${num(s.expectedDeliveries)}`,
    num(s.duplicates),
    num(s.consumerLagSeconds, 2),
    ms(s.latencyMs.p50),
    ms(s.latencyMs.p99),
    ms(s.warmupLatencyMs?.p99),
    s.sustained ? "yes" : "**no**",
  ];
}

function loopText(
  oc: RunResults["scenarios"]["original-classifier"],
  bestBatched: number | undefined,
): string {
  if (!oc) return "Not run in this run.";
  if (oc.status !== "ok") return `${oc.status}: ${oc.reason ?? ""}`;
  const loop = LoopFigures.safeParse(oc.figures);
  if (!loop.success) return asJson(oc.figures);
  const l = loop.data;
  const ratio =
    bestBatched !== undefined && l.postsPerSecond ? num(bestBatched / l.postsPerSecond, 0) : "–";
  return (
    `The original loop (bench/original/classifier_loop.py: a Python Kafka consumer calling scikit-learn \`predict\` on one message at a time, then producing the result) over ${num(l.posts)} posts through Kafka, beside the batched ONNX model of scenario 4 (best batch size, in-process). ` +
    `The loop's figure includes Kafka consume and produce; scenario 4's does not, so the ratio overstates the model-only difference and understates nothing about the original's end-to-end rate.\n\n` +
    table(
      ["", "posts/s"],
      [
        [
          `original loop (Python ${l.python ?? "?"}, scikit-learn ${l.scikitLearn ?? "?"}; ${num(l.predictSeconds, 2)} of ${num(l.seconds, 2)} s in predict)`,
          num(l.postsPerSecond),
        ],
        ["Tweetream ONNX, batched, one core", num(bestBatched)],
        ["ratio (Tweetream ÷ original)", ratio],
      ],
    )
  );
}

/** What runs before a step is measured, and what its figures cover (from bench/lib/pipeline-step.ts). */
function howAStepRuns(results: RunResults): string[] {
  const warmupS = results.settings.warmupS ?? 0;
  const durations = results.settings.durations ?? [results.settings.durationS];
  const repeat = results.settings.repeat ?? 1;
  const seconds = (list: readonly number[]) => list.map((d) => `${num(d)} s`).join(" and ");
  return [
    "Before a scenario's first step the harness starts its web server (ready once it has migrated and read its catalogue), creates the topics through the API (the web process then restarts its Kafka consumer on the new topics, at positions it chooses, without waiting for the harness), starts the classifier (ready only once its consumer has joined its group: `startConsumer` awaits kafkajs's `run`, which joins and syncs) and connects the subscribers: the latency and throughput scenarios once for all their steps, fanout and stock-fanout once per subscriber count for every run of that count (their connect time and idle RSS are reported apart). Connecting is never inside a step.",
    "Each step then clears the load processes' counts and starts a new streamer process (Node.js with tsx, its Kafka producer connected, its catalogue read) that sends `rate` posts/s for the warm-up plus the measured seconds, and waits until every subscriber has every post it should get (or the drain time runs out).",
    warmupS > 0
      ? `**Warm-up** (\`--warmup-seconds\`, ${num(warmupS, 1)} s in this run): the harness polls the streamer's \`/metrics\` every 100 ms until it has sent its first post; the warm-up ends ${num(warmupS, 1)} s after that moment. Posts ingested before then are the warm-up: their ingest → receipt latency goes into a histogram of its own in each load process, reported as "warm-up p99" and never mixed into the step's latency. CPU, RSS and event-loop lag are sampled, and the services' hop histograms read, only from the end of the warm-up until the step has drained. So the warm-up takes the streamer's first sends (producer metadata and first batch), the JIT compilation of the web process's and the classifier's delivery paths (the first step of a scenario is the first traffic they see; later steps and runs find them warm, so a scenario's first step can differ from its repeats), and any consumer that is still catching up. Delivery counts (delivered, expected, missing, duplicates) and the achieved rate cover every post of the step, warm-up included; frames/s and CPU per frame count only the frames after it.`
      : "**No warm-up** in this run (`--warmup-seconds 0`, or results from before the option existed): every post of a step is measured, and sampling starts when the streamer starts.",
    `Latency, fanout and stock-fanout ran each step ${repeat === 1 ? "once" : `${num(repeat)} times`} at ${durations.length > 1 ? "each of" : ""} ${seconds(durations)} (\`--repeat\`, \`--durations\`), round by round (every step once, then again), so that slow drift of the machine spreads over every step. ${repeat > 1 ? 'Where a table cell reads "a / b", a is the median and b the worst (highest) over the runs; every run\'s figures are in the results file.' : "With `--repeat 3` the tables give the median and the worst over the runs."}`,
  ];
}

/** Writes docs/BENCHMARKS.md and the charts (or to `target`); returns the files written. */
export async function writeDocs(
  results: RunResults,
  target: DocsTarget = DEFAULT_TARGET,
): Promise<string[]> {
  const DOC = target.doc;
  const CHART_DIR = target.chartDir;
  const existing = fs.existsSync(DOC) ? fs.readFileSync(DOC, "utf8") : "";
  const written: string[] = [DOC];
  const s = results.scenarios;
  const m = results.machine;
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines.flatMap((line) => [line, ""]));
  const addChart = async (name: string, svg: Promise<string>) => {
    const ref = await chart(CHART_DIR, name, svg);
    written.push(path.join(CHART_DIR, name));
    return ref;
  };

  push(
    "# Benchmarks",
    `This file is generated by \`npm run bench\` (bench/run.ts) from the results of one run: commit \`${results.commit}\`${results.dirty ? " with uncommitted changes" : ""}, ${results.startedAt.slice(0, 16).replace("T", " ")} UTC, \`${results.command}\`. The results file is \`bench/results/latest.json\`. Edit only between the LEAD NOTES markers; everything else is rewritten by the next run.`,
  );
  if (results.settings.quick) {
    push(
      "> **Smoke run (`--quick`)**: tiny counts and a few seconds per step; the figures only show that the harness works. Run without `--quick` for real figures.",
    );
  }
  const other = mostOtherWork(results);
  push(
    other === undefined || other > QUIET_OTHER_CORES
      ? "> **Provisional**: every part (Kafka broker included), the load processes and the harness run on this one machine, which other work was using at the same time during this run (" +
          (other === undefined
            ? `load average at the start: ${m.loadAverageAtStart.join(", ")}`
            : `up to ${num(other, 2)} cores during a step`) +
          "). Treat the figures as a lower bound until a run on a quiet machine."
      : `> **Quiet machine**: every part (Kafka broker included), the load processes and the harness share this machine's ${String(m.cpus)} cores, but nothing else ran: other work took at most ${num(other, 2)} cores during any step.`,
  );

  push(
    "## How to run",
    [
      "```sh",
      "npm run bench                                  # every scenario, 60 s per step (about an hour)",
      "npm run bench -- --scenario latency,fanout     # some scenarios (repeatable or comma list)",
      "npm run bench -- --quick --no-docs --out /tmp/b  # smoke run: seconds per scenario, docs untouched",
      "npm run bench -- --rates 1000,2000,4000 --duration 30 --subscribers 1000,5000",
      "npm run bench -- --repeat 3 --durations 30,60  # a reference run: every latency and fan-out step 3 times at 30 s and at 60 s",
      "```",
    ].join("\n"),
    "Options: `--scenario` (startup, throughput, latency, fanout, original-fanout, stock-fanout, topic-admin, classifier, original-classifier), `--duration` (seconds measured per step, after the warm-up; for latency, fanout and stock-fanout unless `--durations` is given), `--durations` (step lengths for latency, fanout and stock-fanout: each of their steps runs at each, e.g. `30,60`), `--repeat` (runs of each step of latency, fanout and stock-fanout per step length, default 1; **3 for a reference run**: the tables then give the median and the worst over the runs), `--warmup-seconds` (the warm-up of every step, default 5, below), `--rates` (throughput steps), `--latency-rates`, `--subscribers` (fan-out, default 1,000, 5,000, 10,000 and 19,000; stock-fanout too when given, else 1,000, 5,000 and 10,000), `--fanout-topics` (`narrow`, the default, or `broad`: which topics fan-out and stock-fanout subscribers follow), `--original-subscribers`, `--admin-clients`, `--quick`, `--out` (results folder, default `bench/results`), `--no-docs`, `--keep-logs` (keep the services' logs, printed at the end; always kept when a scenario fails), `--cpu-prof` (V8 CPU profiles of web, classifier, streamer and the stock-fanout server, in the logs folder, for finding a bottleneck), `--docs-from <results.json>` (only regenerate this file and the charts from a results file).",
    "The harness starts a local Kafka broker (or uses `KAFKA_BROKERS`; `KAFKA_PORT`, `KAFKA_CONTROLLER_PORT` and `TWEETREAM_CACHE_DIR` as for `npm start`), then for each scenario a web server (production mode, dashboard off, `GRAPHQL_WS_MAX_CONNECTIONS_PER_IP=100000` and `GRAPHQL_MUTATION_RATE_LIMIT=100000` since all load comes from loopback), a classifier and a streamer with the synthetic source as separate processes (`node --import tsx apps/<app>/src/main.ts`), each scenario on its own Kafka topic prefix and SQLite catalogue. Subscribers are real `graphql-ws` WebSocket clients in separate load processes (`bench/load/load-process.ts`) connecting over loopback from several 127.0.x.y source addresses; they record ingest → receipt latency (the post's `ingestedAt`) in an HdrHistogram and count every post id per subscriber (missing and duplicate deliveries). CPU and memory come from `/proc` (and how busy the whole machine was, from `/proc/stat`), event-loop lag and consumer lag from the services' `/metrics`. A fan-out level needs one open file per subscriber in the server process (plus 500 for the rest) and in the load processes that open them (the subscribers are split evenly over " +
      String(results.settings.loadProcesses) +
      " load processes, each connecting from its own 127.0.x.y source addresses): a level above the `ulimit -n` of these processes (read from /proc/<pid>/limits; they inherit the harness's) is recorded as not measured. Every process, Kafka topic and consumer group of the run is removed at the end, also on Ctrl-C.",
    `Four topics are created through the API, with rules chosen so that nearly every synthetic post matches one or more of them (a post is delivered to every topic it matches): ${results.settings.topics.map((t) => `\`${t.slug}\``).join(", ")}.`,
    results.settings.fanoutTopics === "narrow"
      ? `The fan-out scenario (and \`npm run soak\`) uses ${String(results.settings.fanoutTopicList?.length ?? 20)} narrow topics instead, one word each (${(results.settings.fanoutTopicList ?? []).map((t) => `\`${t.slug}\``).join(", ")}), each contained in 2–4% of synthetic posts: a subscriber of one gets a few posts per second, as a dashboard user following one subject would. On the broad topics every subscriber gets about 62 of every 100 posts, so 10,000 of them at 100 posts/s would ask for 620,000 WebSocket frames per second, more than this machine can send and receive (section 3).`
      : "The fan-out scenario used the same broad topics (`--fanout-topics broad`).",
  );
  push("### How a step runs and warms up", ...howAStepRuns(results));

  push(
    "## The machine",
    table(
      ["", ""],
      [
        ["CPU", `${m.cpuModel}, ${m.cpus} cores`],
        ["memory", mib(m.memoryBytes)],
        ["OS", `${m.os} ${m.release} (${m.arch})`],
        ["Node.js", m.node],
        [
          "Kafka",
          `${m.kafka} (single node, KRaft, ${m.brokerStartedByBench ? "started by the harness" : `at ${m.kafkaBrokers}`})`,
        ],
      ],
    ),
  );

  // Summary against the issue's targets.
  const summary: (string | number)[][] = [];
  const tp = s.throughput;
  if (tp)
    summary.push([
      "1 throughput",
      "≥ 6,000 posts/s",
      `${num(tp.maxSustainedRate)} posts/s`,
      tp.maxSustainedRate >= 6000 ? "yes" : "no",
    ]);
  // Judged on the longest step length's runs, by their median; the worst beside it.
  const lat1000 = longestRuns(
    groupBy(
      (s.latency?.steps ?? []).filter((x) => x.targetRate === 1000),
      (x) => String(x.durationS),
    ),
  );
  if (lat1000) {
    const f = runFigures(lat1000, "web");
    summary.push([
      "2 latency p99 at 1,000/s",
      "≤ 100 ms",
      overRuns(f.p99, lat1000, ms),
      (f.p99?.median ?? Infinity) <= 100 && lat1000.every((x) => x.missing === 0) ? "yes" : "no",
    ]);
  }
  const fan10k = (s.fanout?.levels ?? [])
    .filter((l) => l.subscribers === 10_000 && l.steps.length > 0)
    .sort((a, b) => (b.durationS ?? 0) - (a.durationS ?? 0))[0];
  if (fan10k) {
    const f = runFigures(fan10k.steps, "web");
    const ok =
      (f.p99?.median ?? Infinity) <= 500 &&
      (f.rss?.median ?? Infinity) <= 2 ** 30 &&
      fan10k.connected === 10_000;
    summary.push([
      "3 fan-out, 10,000 subscribers",
      "p99 ≤ 500 ms, RSS ≤ 1 GiB",
      `${overRuns(f.p99, fan10k.steps, ms)}, ${overRuns(f.rss, fan10k.steps, mib)}`,
      ok ? "yes" : "no",
    ]);
  }
  if (summary.length)
    push(
      "## Against the targets of issue #6",
      table(["scenario", "target", "measured", "met"], summary),
    );

  if (tp) {
    const lines = [
      "## 1. End-to-end throughput",
      `The rate of the synthetic source is stepped up (${results.settings.durationS} s measured per step after its warm-up, one subscriber per topic); a step is **sustained** when every post reached every subscriber of each topic it matched, the classifier's consumer lag stayed under 2 s (lag in records ÷ rate) and the source kept at least 95% of the rate (it slows down when Kafka pushes back). The scenario stops at the first step that is not sustained. **Highest sustained rate: ${num(tp.maxSustainedRate)} posts/s.**`,
    ];
    if (tp.status !== "ok") lines.push(`Failed: ${tp.reason ?? "?"}`);
    if (tp.steps.length) {
      lines.push(
        table(
          [
            "target/s",
            "achieved/s",
            "delivered / expected",
            "dupl.",
            "lag s",
            "p50",
            "p99",
            "warm-up p99",
            "sustained",
          ],
          tp.steps.map(stepRow),
        ),
        await addChart(
          "throughput.svg",
          renderSvg(
            lineSpec({
              title: "Throughput: rate asked vs reached",
              x: "target",
              xTitle: "posts/s asked",
              y: "value",
              yTitle: "posts/s",
              series: "series",
            }),
            tp.steps.flatMap((x): Row[] => [
              { target: x.targetRate, value: x.targetRate, series: "asked" },
              { target: x.targetRate, value: x.achievedRate, series: "reached by the source" },
              {
                target: x.targetRate,
                value: x.sustained ? x.achievedRate : null,
                series: "sustained",
              },
            ]),
          ),
        ),
      );
      const last = tp.steps.at(-1);
      if (last)
        lines.push(
          `What limits it (generated from the last step, ${num(last.targetRate)} posts/s): ${limitOf(last, m.cpus)}`,
        );
    }
    lines.push(leadNotes(existing, "throughput"));
    push(...lines);
  }

  if (s.latency) {
    const groups = groupBy(s.latency.steps, (x) => `${x.label}|${String(x.durationS)}`);
    const severalLengths = new Set(s.latency.steps.map((x) => x.durationS)).size > 1;
    const name = (x: Step & { label: string }) =>
      severalLengths ? `${x.label}, ${num(x.durationS)} s` : x.label;
    const lines = [
      "## 2. End-to-end latency",
      "From the post's ingest timestamp (set by the streamer) to its receipt by a WebSocket subscriber in the load process, over every delivery of the step after its warm-up (HdrHistogram, 1 ms resolution); the warm-up's own p99 beside it. Web RSS and event-loop p99 are the highest the web process showed during a run; CPU/frame is its CPU time over the run ÷ the frames it delivered (one subscriber per topic).",
    ];
    if (s.latency.status !== "ok") lines.push(`Failed: ${s.latency.reason ?? "?"}`);
    const rows = groups.flatMap((g) => {
      const first = g[0];
      return first ? [{ first, runs: g, f: runFigures(g, "web") }] : [];
    });
    if (rows.length) {
      const stages = [
        ...new Set(rows.flatMap((r) => r.runs.flatMap((x) => Object.keys(x.hopsMs ?? {})))),
      ].sort((a, b) => stageOrder(a) - stageOrder(b));
      lines.push(
        table(
          [
            "rate",
            "measured",
            "runs",
            "deliveries",
            "p50",
            "p95",
            "p99",
            "max",
            "warm-up p99",
            "missing (worst)",
            "web RSS max",
            "web event-loop p99 max",
            "web CPU/frame",
          ],
          rows.map(({ first, runs, f }) => [
            first.label,
            `${num(first.durationS)} s`,
            num(runs.length),
            num(f.deliveries?.median),
            mwMs(f.p50),
            mwMs(f.p95),
            mwMs(f.p99),
            mwMs(f.max),
            mwMs(f.warmupP99),
            num(f.missing?.worst),
            mwMib(f.rss),
            mwMs(f.loopP99),
            mw(f.cpuPerFrame, us),
          ]),
        ),
      );
      if (stages.length) {
        lines.push(
          "Where the time goes: the p99 from ingest to each stage, from the services' own `tweetream_pipeline_latency_seconds{stage}` histograms, read at the end of the warm-up and again when the step had drained, beside the end-to-end p99 the subscribers measured. The services' buckets are coarse (bounds at 1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1 s, …) and a p99 is interpolated inside its bucket as Prometheus's `histogram_quantile` does, so a hop's p99 is an estimate within its bucket, not to the millisecond. A service counts a post when it handles it, the subscribers by when it was ingested: right after a slow warm-up, warm-up posts handled late fall into the hop's window but not into the end-to-end one, and a hop's p99 can then exceed the end-to-end p99.",
          table(
            [
              "rate",
              "measured",
              ...stages.map(stageTitle),
              "ingest → received by a subscriber (end to end)",
            ],
            rows.map(({ first, f }) => [
              first.label,
              `${num(first.durationS)} s`,
              ...stages.map((stage) => mwMs(f.hopP99(stage))),
              mwMs(f.p99),
            ]),
          ),
        );
      }
      lines.push(
        await addChart(
          "latency.svg",
          renderSvg(
            groupedBarSpec({
              title: "Ingest → subscriber latency (median over the runs)",
              x: "rate",
              xTitle: "rate",
              y: "ms",
              yTitle: "ms",
              series: "percentile",
            }),
            rows.flatMap(({ first, f }): Row[] => [
              { rate: name(first), ms: f.p50?.median ?? null, percentile: "p50" },
              { rate: name(first), ms: f.p95?.median ?? null, percentile: "p95" },
              { rate: name(first), ms: f.p99?.median ?? null, percentile: "p99" },
            ]),
          ),
        ),
      );
      lines.push(
        rows
          .flatMap(({ first, runs }) => {
            const worst = worstRun(runs);
            return worst
              ? [`- ${name(first)}${whichRun(worst, runs.length)}: ${limitOf(worst, m.cpus)}`]
              : [];
          })
          .join("\n"),
      );
    }
    lines.push(leadNotes(existing, "latency"));
    push(...lines);
  }

  if (s.fanout) {
    const f = s.fanout;
    const durations = results.settings.durations ?? [results.settings.durationS];
    const severalLengths = new Set(f.levels.map((l) => l.durationS)).size > 1;
    // A chart series per step length when there are several.
    const series = (what: string, durationS: number | undefined) =>
      severalLengths && durationS !== undefined ? `${what}, ${num(durationS)} s` : what;
    const lines = [
      "## 3. Fan-out",
      `One web process; the subscribers are spread evenly over the ${f.topics} ${f.topicSet === "narrow" ? "narrow topics (one word each, matched by 2–4% of posts: a dashboard user following a subject; `--fanout-topics narrow`)" : "broad topics of the other scenarios (each post matches about 2.5 of them; `--fanout-topics broad`)"} and connected from ${results.settings.loadProcesses} load process(es); ${num(f.rate)} posts/s, ${durations.map((d) => `${num(d)} s`).join(" and ")} measured per level after the warm-up. Each post goes to the subscribers of every topic it matched, one WebSocket frame per post and subscriber; "per subscriber" is what one subscriber is sent per second, "frames/s" the frames the subscribers received per measured second (median over the runs). Event-loop lag is the highest p99 the web process reported between two scrapes (1 s apart). "web CPU/frame" is the web process's CPU time (user + system, from /proc) from the end of the warm-up until every subscriber had every post, ÷ the frames received after the warm-up, so it includes the process's fixed costs (Kafka consumer, metrics), which dominate at small counts (the same figure as section 8's).`,
    ];
    if (f.status !== "ok") lines.push(`Failed: ${f.reason ?? "?"}`);
    const levels = f.levels.map((l) => ({ l, fig: runFigures(l.steps, "web") }));
    if (levels.length) {
      lines.push(
        table(
          [
            "subscribers",
            "measured",
            "runs",
            "connected",
            "connect time",
            "per subscriber",
            "frames/s",
            "missing (worst)",
            "p50",
            "p99",
            "warm-up p99",
            "event-loop p99 max",
            "web RSS idle",
            "web RSS max",
            "web CPU/frame",
          ],
          levels.map(({ l, fig }) => {
            const first = l.steps[0];
            return [
              num(l.subscribers),
              l.durationS === undefined ? "–" : `${num(l.durationS)} s`,
              num(l.steps.length),
              num(l.connected),
              `${num(l.connectSeconds, 1)} s`,
              first && l.connected > 0
                ? `${num(first.expectedDeliveries / l.connected / sentSeconds(first), 1)}/s`
                : "–",
              fig.framesPerSecond ? num(fig.framesPerSecond.median) : "–",
              num(fig.missing?.worst),
              mwMs(fig.p50),
              mwMs(fig.p99),
              mwMs(fig.warmupP99),
              mwMs(fig.loopP99),
              mib(l.idleRssBytes),
              mwMib(fig.rss),
              mw(fig.cpuPerFrame, us),
            ];
          }),
        ),
        await addChart(
          "fanout-latency.svg",
          renderSvg(
            lineSpec({
              title: "Fan-out: delivery latency (median over the runs)",
              x: "subscribers",
              xTitle: "subscribers",
              y: "ms",
              yTitle: "ms",
              series: "series",
              logY: true,
            }),
            levels.flatMap(({ l, fig }): Row[] =>
              l.steps.length
                ? [
                    {
                      subscribers: l.subscribers,
                      ms: Math.max(1, fig.p50?.median ?? 1),
                      series: series("p50", l.durationS),
                    },
                    {
                      subscribers: l.subscribers,
                      ms: Math.max(1, fig.p99?.median ?? 1),
                      series: series("p99", l.durationS),
                    },
                    {
                      subscribers: l.subscribers,
                      ms: Math.max(1, fig.loopP99?.median ?? 1),
                      series: series("event-loop p99 (max)", l.durationS),
                    },
                  ]
                : [],
            ),
          ),
        ),
        await addChart(
          "fanout-memory.svg",
          renderSvg(
            lineSpec({
              title: "Fan-out: web server memory (median over the runs)",
              x: "subscribers",
              xTitle: "subscribers",
              y: "mib",
              yTitle: "RSS (MiB)",
              series: "series",
            }),
            levels.flatMap(({ l, fig }): Row[] => [
              {
                subscribers: l.subscribers,
                mib: Math.round(l.idleRssBytes / 2 ** 20),
                series: series("connected, idle", l.durationS),
              },
              ...(fig.rss
                ? [
                    {
                      subscribers: l.subscribers,
                      mib: Math.round(fig.rss.median / 2 ** 20),
                      series: series("max while posts flow", l.durationS),
                    },
                  ]
                : []),
            ]),
          ),
        ),
      );
      const items: string[] = [];
      for (const { l } of levels) {
        const who = `- ${num(l.subscribers)} subscribers${l.durationS === undefined ? "" : `, ${num(l.durationS)} s`}`;
        if (l.skipped) items.push(`${who}: not measured, ${l.skipped}.`);
        if (l.error) items.push(`${who}: failed, ${l.error.split("\n")[0] ?? ""}`);
        const worst = worstRun(l.steps);
        if (worst)
          items.push(`${who}${whichRun(worst, l.steps.length)}: ${limitOf(worst, m.cpus)}`);
      }
      lines.push(items.join("\n"));
    }
    lines.push(leadNotes(existing, "fanout"));
    push(...lines);
  }

  const inference = InferenceFigures.safeParse(s.classifier?.figures);
  const bestBatched = inference.success
    ? Math.max(
        ...inference.data.results.filter((r) => r.batchSize > 1).map((r) => r.postsPerSecond),
      )
    : undefined;
  let classifierText = "Not run in this run.";
  if (s.classifier?.status === "ok") {
    classifierText = inference.success
      ? `The model (\`${inference.data.model.name}@${inference.data.model.version}\`) in-process on one core (\`taskset -c 0\` when available), by \`measureInference\` (apps/classifier/src/bench), ${num(inference.data.distinctPosts)} distinct posts cycled, ${num(inference.data.durationMs)} ms per batch size. Through Kafka, the classifier's throughput is part of scenario 1.\n\n` +
        table(
          ["batch size", "posts/s", "call p50", "call p99"],
          inference.data.results.map((r) => [
            num(r.batchSize),
            num(r.postsPerSecond),
            `${num(r.callMs.p50, 3)} ms`,
            `${num(r.callMs.p99, 3)} ms`,
          ]),
        )
      : asJson(s.classifier.figures);
  } else if (s.classifier) classifierText = `${s.classifier.status}: ${s.classifier.reason ?? ""}`;
  push("## 4. Classifier", classifierText, leadNotes(existing, "classifier"));

  const o = s["original-fanout"];
  push("## 5. Against the original design");
  if (o) {
    const lines = [
      "### 5a. Fan-out: one Kafka consumer per subscriber",
      `The original design opened a Kafka consumer for every WebSocket subscriber. \`bench/original/original-fanout-server.ts\` does exactly that (kafkajs, one consumer in its own group per subscription, same GraphQL subscription over graphql-ws), and is measured beside Tweetream's web server (one consumer per process, fan-out in memory), on the same broker, the same topic (\`${results.settings.topics[0]?.slug ?? "?"}\`, all subscribers on it) and the same classified stream at ${num(o.rate)} posts/s. "server" is the web process or the original server; the ratio is original ÷ Tweetream.`,
    ];
    if (o.status !== "ok") lines.push(`Failed: ${o.reason ?? "?"}`);
    if (o.levels.length) {
      lines.push(
        table(
          [
            "subscribers",
            "design",
            "connected",
            "consumers joined",
            "p50",
            "p99",
            "missing",
            "server CPU",
            "server RSS",
            "broker CPU",
          ],
          o.levels.flatMap((l) => [
            [
              num(l.subscribers),
              "Tweetream",
              num(l.tweetream.connected),
              "1",
              ms(l.tweetream.steps[0]?.latencyMs.p50),
              ms(l.tweetream.steps[0]?.latencyMs.p99),
              num(l.tweetream.steps[0]?.missing),
              num(l.tweetream.steps[0]?.processes.web?.cpuCores, 2),
              mib(l.tweetream.steps[0]?.processes.web?.rssMaxBytes),
              num(l.tweetream.steps[0]?.processes.broker?.cpuCores, 2),
            ],
            [
              num(l.subscribers),
              "original",
              num(l.original.connected),
              `${num(l.original.consumersJoined)} (${num(l.original.joinSeconds, 1)} s)`,
              ms(l.original.steps[0]?.latencyMs.p50),
              ms(l.original.steps[0]?.latencyMs.p99),
              num(l.original.steps[0]?.missing),
              num(l.original.steps[0]?.processes.original?.cpuCores, 2),
              mib(l.original.steps[0]?.processes.original?.rssMaxBytes),
              num(l.original.steps[0]?.processes.broker?.cpuCores, 2),
            ],
          ]),
        ),
        table(
          ["subscribers", "p99 ratio", "server CPU ratio", "server RSS ratio", "broker CPU ratio"],
          o.levels.map((l) => [
            num(l.subscribers),
            num(l.ratios.p99, 2),
            num(l.ratios.cpu, 2),
            num(l.ratios.rss, 2),
            num(l.ratios.brokerCpu, 2),
          ]),
        ),
        await addChart(
          "original-fanout.svg",
          renderSvg(
            groupedBarSpec({
              title: "Server memory: shared consumer vs consumer per subscriber",
              x: "subscribers",
              xTitle: "subscribers",
              y: "mib",
              yTitle: "server RSS (MiB)",
              series: "design",
            }),
            o.levels.flatMap((l): Row[] => [
              {
                subscribers: String(l.subscribers),
                mib: Math.round((l.tweetream.steps[0]?.processes.web?.rssMaxBytes ?? 0) / 2 ** 20),
                design: "Tweetream",
              },
              {
                subscribers: String(l.subscribers),
                mib: Math.round(
                  (l.original.steps[0]?.processes.original?.rssMaxBytes ?? 0) / 2 ** 20,
                ),
                design: "original",
              },
            ]),
          ),
        ),
        await addChart(
          "original-fanout-cpu.svg",
          renderSvg(
            groupedBarSpec({
              title: "Server + broker CPU: shared consumer vs consumer per subscriber",
              x: "subscribers",
              xTitle: "subscribers",
              y: "cores",
              yTitle: "CPU (cores)",
              series: "what",
            }),
            o.levels.flatMap((l): Row[] => [
              {
                subscribers: String(l.subscribers),
                cores: l.tweetream.steps[0]?.processes.web?.cpuCores ?? 0,
                what: "Tweetream web",
              },
              {
                subscribers: String(l.subscribers),
                cores: l.original.steps[0]?.processes.original?.cpuCores ?? 0,
                what: "original server",
              },
              {
                subscribers: String(l.subscribers),
                cores: l.tweetream.steps[0]?.processes.broker?.cpuCores ?? 0,
                what: "broker (Tweetream)",
              },
              {
                subscribers: String(l.subscribers),
                cores: l.original.steps[0]?.processes.broker?.cpuCores ?? 0,
                what: "broker (original)",
              },
            ]),
          ),
        ),
      );
    }
    lines.push(leadNotes(existing, "original-fanout"));
    push(...lines);
  }
  const oc = s["original-classifier"];
  push(
    "### 5b. Classifier: one message at a time in Python vs batched ONNX",
    loopText(oc, bestBatched),
    leadNotes(existing, "original-classifier"),
  );

  const a = s["topic-admin"];
  if (a) {
    const lines = [
      "## 6. Topic administration under load",
      `The original's Locust scenario: N concurrent admin clients each create a topic through the GraphQL API (\`createTopic\` returns once the topic is ACTIVE: catalogue row, Kafka topic, control record) and delete it, ${results.settings.adminIterations} times, while the synthetic source runs at ${num(a.backgroundRate)} posts/s. At the end the \`topics\` query must show no topic PENDING or DELETING.`,
    ];
    if (a.status !== "ok") lines.push(`Failed: ${a.reason ?? "?"}`);
    if (a.levels.length) {
      const errs = (e: Record<string, number>) =>
        Object.keys(e).length
          ? Object.entries(e)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")
          : "0";
      lines.push(
        table(
          [
            "clients",
            "ops/s",
            "create p50",
            "create p95",
            "create p99",
            "delete p50",
            "delete p99",
            "errors (create)",
            "errors (delete)",
          ],
          a.levels.map((l) => [
            num(l.clients),
            num(l.opsPerSecond, 1),
            ms(l.create.latencyMs.p50),
            ms(l.create.latencyMs.p95),
            ms(l.create.latencyMs.p99),
            ms(l.delete.latencyMs.p50),
            ms(l.delete.latencyMs.p99),
            errs(l.create.errors),
            errs(l.delete.errors),
          ]),
        ),
        `Topics left half-created or half-deleted: ${
          a.leftHalfDone.length === 0
            ? "none"
            : `${num(a.leftHalfDone.length)}: ${a.leftHalfDone
                .slice(0, 12)
                .map((t) => `${t.slug} (${t.status})`)
                .join(", ")}${a.leftHalfDone.length > 12 ? ", …" : ""}`
        }; benchmark topics left over: ${num(a.leftOver)}.`,
        await addChart(
          "topic-admin.svg",
          renderSvg(
            groupedBarSpec({
              title: "Topic administration latency",
              x: "clients",
              xTitle: "concurrent admin clients",
              y: "ms",
              yTitle: "ms",
              series: "what",
            }),
            a.levels.flatMap((l): Row[] => [
              { clients: String(l.clients), ms: l.create.latencyMs.p50, what: "create p50" },
              { clients: String(l.clients), ms: l.create.latencyMs.p99, what: "create p99" },
              { clients: String(l.clients), ms: l.delete.latencyMs.p50, what: "delete p50" },
              { clients: String(l.clients), ms: l.delete.latencyMs.p99, what: "delete p99" },
            ]),
          ),
        ),
      );
    }
    lines.push(leadNotes(existing, "topic-admin"));
    push(...lines);
  }

  if (s.startup) {
    push(
      "## 7. Start-up",
      "From the start command (`node --import tsx tooling/start.ts`, i.e. `npm start` without its dependency check and dashboard build, with the broker already running) to the first post on a subscriber. Cold: new catalogue and Kafka topics; an admin creates the topic the moment web is ready. Warm: the same catalogue and topics again.",
      s.startup.status === "ok"
        ? table(
            ["run", "web ready", "topic created", "first post", "all services ready"],
            s.startup.runs.map((r) => [
              r.kind,
              `${num(r.webReadyS, 1)} s`,
              r.topicCreatedS === null ? "–" : `${num(r.topicCreatedS, 1)} s`,
              `${num(r.firstPostS, 1)} s`,
              r.allReadyS === null ? "–" : `${num(r.allReadyS, 1)} s`,
            ]),
          )
        : `Failed: ${s.startup.reason ?? "?"}`,
    );
  }

  const sf = s["stock-fanout"];
  if (sf) {
    const v = (name: string) => sf.versions[name] ?? "?";
    const stockDurations = (results.settings.durations ?? [results.settings.durationS])
      .map((d) => `${num(d)} s`)
      .join(" and ");
    const severalLengths = new Set(sf.levels.map((l) => l.durationS)).size > 1;
    const x = (l: (typeof sf.levels)[number]) =>
      severalLengths && l.durationS !== undefined
        ? `${String(l.subscribers)}, ${num(l.durationS)} s`
        : String(l.subscribers);
    const lines = [
      "## 8. Fan-out against the stock stack",
      `What a user would build instead of Tweetream's web server, as the Apollo and graphql-ws docs teach it (\`bench/stock/stock-fanout-server.ts\`): graphql-ws's default execution (\`useServer({ schema }, wss)\`, so each post is executed and serialised once per subscriber), an in-memory graphql-subscriptions \`PubSub\` with one trigger per topic, and one kafkajs consumer per process publishing every post to it (graphql ${v("graphql")}, graphql-ws ${v("graphql-ws")}, graphql-subscriptions ${v("graphql-subscriptions")}, @graphql-tools/schema ${v("@graphql-tools/schema")}, kafkajs ${v("kafkajs")}). Both servers read the same classified stream of the same ${sf.topics} ${sf.topicSet} topics of section 3, at ${num(sf.rate)} posts/s, ${stockDurations} measured per step after the warm-up, from the same kind of load fleet with the same \`tweetAdded(topic)\` subscription; at each subscriber count Tweetream is measured first, then the stock server, while the other stays up idle (it still consumes every post; it is sampled as \`stock-idle\` or \`web-idle\`). "frames/s" counts the frames (post × subscriber) received after the warm-up per measured second (median over the runs); "CPU/frame" is the server process's CPU time (user + system, from /proc) from the end of the warm-up until every subscriber had every post, divided by the frames received after the warm-up, so it includes the server's fixed costs (Kafka consumer, metrics), which dominate at small counts. The ratios are stock ÷ Tweetream of the medians over the runs.`,
    ];
    if (sf.status !== "ok") lines.push(`Failed: ${sf.reason ?? "?"}`);
    if (sf.error) lines.push(`Stopped: ${sf.error.split("\n")[0] ?? ""}`);
    if (sf.levels.length) {
      const row = (
        level: (typeof sf.levels)[number],
        who: string,
        side: (typeof sf.levels)[number]["stock"],
        name: string,
      ) => {
        const fig = runFigures(side.steps, name);
        return [
          num(level.subscribers),
          level.durationS === undefined ? "–" : `${num(level.durationS)} s`,
          who,
          num(side.steps.length),
          num(side.connected),
          mwMs(fig.p50),
          mwMs(fig.p99),
          mwMs(fig.warmupP99),
          side.steps.length ? num(side.framesPerSecond) : "–",
          num(fig.missing?.worst),
          mw(fig.cpuPerFrame, us),
          mw(fig.cores, (n) => num(n, 2)),
          mwMib(fig.rss),
          mwMs(fig.loopP99),
        ];
      };
      lines.push(
        table(
          [
            "subscribers",
            "measured",
            "server",
            "runs",
            "connected",
            "p50",
            "p99",
            "warm-up p99",
            "frames/s",
            "missing (worst)",
            "CPU/frame",
            "server CPU",
            "server RSS max",
            "server event-loop p99",
          ],
          sf.levels.flatMap((l) => [
            row(l, "Tweetream", l.tweetream, "web"),
            row(l, "stock", l.stock, "stock"),
          ]),
        ),
        table(
          ["subscribers", "measured", "p99 ratio", "CPU/frame ratio"],
          sf.levels.map((l) => [
            num(l.subscribers),
            l.durationS === undefined ? "–" : `${num(l.durationS)} s`,
            num(l.ratios.p99, 2),
            num(l.ratios.cpuPerFrame, 2),
          ]),
        ),
        await addChart(
          "stock-fanout-cpu.svg",
          renderSvg(
            groupedBarSpec({
              title: "Server CPU per delivered frame: Tweetream vs the stock stack (median)",
              x: "subscribers",
              xTitle: severalLengths ? "subscribers, step length" : "subscribers",
              y: "us",
              yTitle: "CPU per frame (µs)",
              series: "server",
            }),
            sf.levels.flatMap((l): Row[] => [
              { subscribers: x(l), us: l.tweetream.cpuUsPerFrame, server: "Tweetream" },
              { subscribers: x(l), us: l.stock.cpuUsPerFrame, server: "stock" },
            ]),
          ),
        ),
      );
      const items: string[] = [];
      for (const l of sf.levels) {
        for (const [who, side] of [
          ["Tweetream", l.tweetream],
          ["stock", l.stock],
        ] as const) {
          const what = `- ${num(l.subscribers)} subscribers${l.durationS === undefined ? "" : `, ${num(l.durationS)} s`}, ${who}`;
          if (side.skipped) items.push(`${what}: not measured, ${side.skipped}.`);
          if (side.error) items.push(`${what}: failed, ${side.error.split("\n")[0] ?? ""}`);
          const worst = worstRun(side.steps);
          if (worst) {
            items.push(`${what}${whichRun(worst, side.steps.length)}: ${limitOf(worst, m.cpus)}`);
          }
        }
      }
      lines.push(items.join("\n"));
    }
    lines.push(leadNotes(existing, "stock-fanout"));
    push(...lines);
  }

  push(
    "## What limits each figure",
    "The generated lines under each scenario name the busiest processes of each step (CPU in cores from /proc; 1.0 = one core fully busy). On a 2-core machine that hosts the broker, three services, the load processes and the harness, the cores are shared by all of them, so a figure here is the whole system's on one small machine, not one service's ceiling.",
    leadNotes(existing, "limits"),
  );

  fs.mkdirSync(path.dirname(DOC), { recursive: true });
  fs.writeFileSync(DOC, await prettierFormat(`${out.join("\n").trimEnd()}\n`, DOC));
  return written.map((f) => path.relative(repoRoot, f));
}
