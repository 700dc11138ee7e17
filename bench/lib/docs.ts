// Regenerates docs/BENCHMARKS.md and its charts (docs/benchmarks/*.svg) from
// one run's results. This file writes the shared parts (header, how to run,
// the machine, the summary against the targets, the closing section) and
// keeps the lead's notes between the LEAD NOTES markers; each scenario's
// section is rendered by its own module beside the scenario
// (bench/scenarios/<scenario>-docs.ts), in the order of SECTIONS.
import fs from "node:fs";
import path from "node:path";
import { historyDocs } from "../history-docs.ts";
import { classifierDocs, originalClassifierDocs } from "../scenarios/external-docs.ts";
import { fanoutDocs } from "../scenarios/fanout-docs.ts";
import { latencyDocs } from "../scenarios/latency-docs.ts";
import { originalFanoutDocs } from "../scenarios/original-fanout-docs.ts";
import { startupDocs } from "../scenarios/startup-docs.ts";
import { stockFanoutDocs } from "../scenarios/stock-fanout-docs.ts";
import { throughputDocs } from "../scenarios/throughput-docs.ts";
import { topicAdminDocs } from "../scenarios/topic-admin-docs.ts";
import { mib, num, table } from "./doc-format.ts";
import type { DocSection, DocsContext } from "./doc-section.ts";
import { measuredCores } from "./doc-steps.ts";
import { prettierFormat } from "./format.ts";
import { repoRoot } from "./paths.ts";
import type { RunResults } from "./results.ts";

/** The scenarios' sections in the order the doc shows them (not the order they run in). */
const SECTIONS: readonly DocSection[] = [
  throughputDocs,
  latencyDocs,
  fanoutDocs,
  classifierDocs,
  { render: () => ["## 5. Against the original design"] },
  originalFanoutDocs,
  originalClassifierDocs,
  topicAdminDocs,
  startupDocs,
  stockFanoutDocs,
  historyDocs,
];

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

/** Preserves the lead's notes of a section (by key) from the current file. */
function leadNotes(existing: string, key: string): string {
  const start = `${NOTES_START.replace("-->", "")}${key} -->`;
  const i = existing.indexOf(start);
  const j = existing.indexOf(NOTES_END, i);
  const kept = i >= 0 && j > i ? existing.slice(i + start.length, j).trim() : NOTES_PLACEHOLDER;
  return `${start}\n\n${kept}\n\n${NOTES_END}`;
}

/** Above this many cores of other work in any step, a run is not a reference run. */
const QUIET_OTHER_CORES = 0.1;

/**
 * The most CPU (cores) that processes outside the run used during any step
 * that sampled every process of the run, the broker included (the sections'
 * `fullySampledSteps`: scenarios 1–3 and 8; 5a leaves the idle web process
 * unsampled).
 */
function mostOtherWork(results: RunResults): number | undefined {
  let most: number | undefined;
  for (const step of SECTIONS.flatMap((s) => s.fullySampledSteps?.(results) ?? [])) {
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

/** The title, what run the file is from, and how far to trust its figures. */
function header(results: RunResults): string[] {
  const m = results.machine;
  const blocks = [
    "# Benchmarks",
    `This file is generated by \`npm run bench\` (bench/run.ts) from the results of one run: commit \`${results.commit}\`${results.dirty ? " with uncommitted changes" : ""}, ${results.startedAt.slice(0, 16).replace("T", " ")} UTC, \`${results.command}\`. The results file is \`bench/results/latest.json\`. Edit only between the LEAD NOTES markers; everything else is rewritten by the next run.`,
  ];
  if (results.settings.quick) {
    blocks.push(
      "> **Smoke run (`--quick`)**: tiny counts and a few seconds per step; the figures only show that the harness works. Run without `--quick` for real figures.",
    );
  }
  const other = mostOtherWork(results);
  blocks.push(
    other === undefined || other > QUIET_OTHER_CORES
      ? "> **Provisional**: every part (Kafka broker included), the load processes and the harness run on this one machine, which other work was using at the same time during this run (" +
          (other === undefined
            ? `load average at the start: ${m.loadAverageAtStart.join(", ")}`
            : `up to ${num(other, 2)} cores during a step`) +
          "). Treat the figures as a lower bound until a run on a quiet machine."
      : `> **Quiet machine**: every part (Kafka broker included), the load processes and the harness share this machine's ${String(m.cpus)} cores, but nothing else ran: other work took at most ${num(other, 2)} cores during any step.`,
  );
  return blocks;
}

/** How to run the harness and what it starts. */
function howToRun(results: RunResults): string[] {
  return [
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
  ];
}

/** The machine the run was on. */
function theMachine(m: RunResults["machine"]): string[] {
  return [
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
  ];
}

/** The sections' rows against the issue's targets, under their heading (none without rows). */
function targets(results: RunResults): string[] {
  const rows = SECTIONS.flatMap((s) => s.targets?.(results) ?? []);
  if (!rows.length) return [];
  return [
    "## Against the targets of issue #6",
    table(["scenario", "target", "measured", "met"], rows),
  ];
}

/** Writes docs/BENCHMARKS.md and the charts (or to `target`); returns the files written. */
export async function writeDocs(
  results: RunResults,
  target: DocsTarget = DEFAULT_TARGET,
): Promise<string[]> {
  const { doc, chartDir } = target;
  const existing = fs.existsSync(doc) ? fs.readFileSync(doc, "utf8") : "";
  const written: string[] = [doc];
  const ctx: DocsContext = {
    results,
    leadNotes: (key) => leadNotes(existing, key),
    chart: async (name, svg) => {
      const ref = await chart(chartDir, name, svg);
      written.push(path.join(chartDir, name));
      return ref;
    },
  };

  const blocks = [
    ...header(results),
    ...howToRun(results),
    "### How a step runs and warms up",
    ...howAStepRuns(results),
    ...theMachine(results.machine),
    ...targets(results),
  ];
  // One after the other: the charts are written in the doc's order.
  for (const section of SECTIONS) blocks.push(...(await section.render(ctx)));
  blocks.push(
    "## What limits each figure",
    "The generated lines under each scenario name the busiest processes of each step (CPU in cores from /proc; 1.0 = one core fully busy). On a 2-core machine that hosts the broker, three services, the load processes and the harness, the cores are shared by all of them, so a figure here is the whole system's on one small machine, not one service's ceiling.",
    ctx.leadNotes("limits"),
  );

  // Each block is followed by an empty line.
  const markdown = blocks.flatMap((block) => [block, ""]).join("\n");
  fs.mkdirSync(path.dirname(doc), { recursive: true });
  fs.writeFileSync(doc, await prettierFormat(`${markdown.trimEnd()}\n`, doc));
  return written.map((f) => path.relative(repoRoot, f));
}
