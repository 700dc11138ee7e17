// `npm run soak`: the whole system under steady load for a long time (default
// 30 minutes at 1,000 posts/s with 1,000 subscribers), sampling the RSS, heap
// and open file descriptors of every process every 10 s. After the warm-up
// each series gets a least-squares slope: a leak shows as steady growth. It
// also counts every delivery, so it checks that nothing was lost on the way.
// Not in CI at full length; bench/soak.test.ts runs a 60-second version.
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { NARROW_TOPICS } from "./lib/bench-topics.ts";
import { setUpRun } from "./lib/run-setup.ts";
import { lineSpec, renderSvg } from "./lib/charts.ts";
import { prettierFormat } from "./lib/format.ts";
import { LoadFleet } from "./lib/load-fleet.ts";
import { describeMachine, gitCommit } from "./lib/machine.ts";
import { repoRoot } from "./lib/paths.ts";
import { procStats } from "./lib/proc-stats.ts";
import { scrape, sumOf } from "./lib/prometheus.ts";
import { stopAllTracked } from "./lib/processes.ts";
import { Series, Settings, Slope, SoakResults, slopePerMinute } from "./lib/soak-results.ts";
import { Stack, newPrefix, waitReady } from "./lib/system.ts";

const HELP = `npm run soak -- [options]
  --duration <s>     seconds of load (default 1800)
  --rate <n>         posts/s from the synthetic source (default 1000)
  --subscribers <n>  graphql-ws subscribers over the ${NARROW_TOPICS.length} narrow topics of the fan-out
                     scenario (default 1000)
  --interval <s>     seconds between samples (default 10)
  --warmup <s>       seconds left out of the slopes (default: a tenth of the duration, at least 20)
  --out <dir>        where soak-<time>-<commit>.json goes (default bench/results)
  --no-docs          do not update docs/RELIABILITY.md and its charts
`;

const MIB = 1024 * 1024;
const log = (message: string) => {
  process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string", default: "1800" },
      rate: { type: "string", default: "1000" },
      subscribers: { type: "string", default: "1000" },
      interval: { type: "string", default: "10" },
      warmup: { type: "string" },
      out: { type: "string", default: path.join(repoRoot, "bench", "results") },
      "no-docs": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const durationS = Number(values.duration);
  const settings = Settings.safeParse({
    durationS,
    rate: Number(values.rate),
    subscribers: Number(values.subscribers),
    intervalS: Number(values.interval),
    warmupS: Number(values.warmup ?? Math.max(20, Math.round(durationS / 10))),
  });
  if (!settings.success) {
    throw new Error(`bad option: ${z.prettifyError(settings.error)}\n\n${HELP}`);
  }
  return { help: values.help, settings: settings.data, out: values.out, docs: !values["no-docs"] };
}

function openFds(pid: number): number | null {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

interface Watched {
  name: string;
  pid: number;
  metricsPort?: number;
}

async function sampleInto(
  series: Map<string, z.infer<typeof Series>>,
  watched: Watched[],
  t: number,
) {
  await Promise.all(
    watched.map(async (w) => {
      const s = series.get(w.name);
      if (!s) return;
      const metrics = w.metricsPort === undefined ? undefined : await scrape(w.metricsPort);
      s.t.push(Math.round(t * 10) / 10);
      s.rssBytes.push(procStats(w.pid)?.rssBytes ?? null);
      s.heapUsedBytes.push(
        metrics ? sumOf(metrics, "tweetream_nodejs_heap_size_used_bytes") : null,
      );
      s.openFds.push(openFds(w.pid));
    }),
  );
}

function slopesOf(series: z.infer<typeof Series>, warmupS: number): z.infer<typeof Slope> {
  const keep = series.t.map((t) => t >= warmupS);
  const pick = <T>(values: readonly T[]) => values.filter((_, i) => keep[i]);
  const t = pick(series.t);
  const mib = (values: readonly (number | null)[]) =>
    pick(values).map((v) => (v === null ? null : v / MIB));
  const round = (v: number | null, digits = 3) =>
    v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits;
  const rss = mib(series.rssBytes);
  return {
    process: series.process,
    samples: t.length,
    rssMiBPerMin: round(slopePerMinute(t, rss)),
    heapMiBPerMin: round(slopePerMinute(t, mib(series.heapUsedBytes))),
    fdsPerMin: round(slopePerMinute(t, pick(series.openFds))),
    rssStartMiB: round(rss.find((v) => v !== null) ?? null, 1),
    rssEndMiB: round(rss.findLast((v) => v !== null) ?? null, 1),
  };
}

/** Writes the charts and the soak section of docs/RELIABILITY.md. */
async function writeDocs(results: SoakResults): Promise<void> {
  const chartDir = path.join(repoRoot, "docs", "benchmarks");
  fs.mkdirSync(chartDir, { recursive: true });
  const rows = (key: "rssBytes" | "heapUsedBytes") =>
    results.series.flatMap((s) =>
      s.t.flatMap((t, i) => {
        const v = s[key][i];
        return v === null || v === undefined ? [] : [{ t, MiB: v / MIB, process: s.process }];
      }),
    );
  for (const [file, key, title] of [
    ["soak-rss.svg", "rssBytes", "Resident memory during the soak"],
    ["soak-heap.svg", "heapUsedBytes", "V8 heap used during the soak"],
  ] as const) {
    const spec = lineSpec({
      title,
      x: "t",
      xTitle: "seconds",
      y: "MiB",
      yTitle: "MiB",
      series: "process",
    });
    fs.writeFileSync(path.join(chartDir, file), await renderSvg(spec, rows(key)));
  }
  const { settings: s, delivery: d } = results;
  const fmt = (v: number | null) => (v === null ? "–" : String(v));
  const table = [
    "| process | samples | RSS start → end (MiB) | RSS MiB/min | heap MiB/min | open fds/min |",
    "| --- | --- | --- | --- | --- | --- |",
    ...results.slopes.map(
      (r) =>
        `| ${r.process} | ${r.samples} | ${fmt(r.rssStartMiB)} → ${fmt(r.rssEndMiB)} | ${fmt(r.rssMiBPerMin)} | ${fmt(r.heapMiBPerMin)} | ${fmt(r.fdsPerMin)} |`,
    ),
  ].join("\n");
  const section = [
    "<!-- SOAK: start (written by `npm run soak`) -->",
    "",
    `Last run: \`${results.command}\` on commit \`${results.commit}\`${results.dirty ? " with uncommitted changes" : ""}, ${results.startedAt.slice(0, 16).replace("T", " ")} UTC: ${s.rate} posts/s for ${s.durationS} s with ${s.subscribers} subscribers over the ${NARROW_TOPICS.length} narrow topics of the fan-out scenario, sampled every ${s.intervalS} s; slopes over the samples after ${s.warmupS} s of warm-up. Delivery: ${d.delivered.toLocaleString("en-US")} of ${d.expected.toLocaleString("en-US")} expected (missing ${d.missing}, duplicated ${d.duplicates}).`,
    "",
    table,
    "",
    "![soak-rss.svg](benchmarks/soak-rss.svg)",
    "",
    "![soak-heap.svg](benchmarks/soak-heap.svg)",
    "",
    "<!-- SOAK: end -->",
  ].join("\n");
  const docFile = path.join(repoRoot, "docs", "RELIABILITY.md");
  const doc = fs.readFileSync(docFile, "utf8");
  const block = /<!-- SOAK: start[\s\S]*?<!-- SOAK: end -->/;
  const next = block.test(doc)
    ? doc.replace(block, section)
    : `${doc.trimEnd()}\n\n## Soak\n\n${section}\n`;
  fs.writeFileSync(docFile, await prettierFormat(next, docFile));
}

async function main(): Promise<number> {
  const { help, settings, out, docs } = parse(process.argv.slice(2));
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const startedAt = new Date();
  const { ctx, broker, cleanUp } = await setUpRun("soak", log);

  try {
    const stack = await Stack.start(ctx, { prefix: newPrefix(ctx, "soak") });
    // Narrow topics, as in the fan-out scenario: on the 4 broad ones, 1,000
    // subscribers at 1,000 posts/s would ask for 620,000 frames/s.
    await stack.createTopics(NARROW_TOPICS);
    const classifier = await stack.startClassifier();
    const fleet = LoadFleet.start(
      ctx,
      Math.max(1, Math.min(4, Math.ceil(settings.subscribers / 2500))),
      "soak",
    );
    const subscribed = await fleet.subscribe({
      url: stack.wsUrl,
      topics: NARROW_TOPICS.map((t) => t.slug),
      total: settings.subscribers,
      metricsPort: stack.web.healthPort,
      timeoutMs: 120_000,
    });
    log(`${subscribed.connected} subscribers connected in ${subscribed.ms} ms`);
    await fleet.reset();
    const limit = settings.rate * settings.durationS;
    const streamer = await stack.startStreamer(settings.rate, limit);
    // Its /metrics (heap, fds) answer from readiness on; the load starts then too.
    await waitReady(streamer);
    const watched: Watched[] = [
      { name: "web", pid: stack.web.pid, metricsPort: stack.web.healthPort },
      { name: "classifier", pid: classifier.pid, metricsPort: classifier.healthPort },
      { name: "streamer", pid: streamer.pid, metricsPort: streamer.healthPort },
      ...fleet.pids.map((pid, i) => ({ name: `load-${i}`, pid })),
      ...(broker.pid === undefined ? [] : [{ name: "broker", pid: broker.pid }]),
    ];
    const series = new Map(
      watched.map((w) => [
        w.name,
        { process: w.name, t: [], rssBytes: [], heapUsedBytes: [], openFds: [] },
      ]),
    );
    const loadStart = Date.now();
    const sampler = setInterval(() => {
      void sampleInto(series, watched, (Date.now() - loadStart) / 1000);
    }, settings.intervalS * 1000);
    await sampleInto(series, watched, 0);
    let done;
    try {
      done = await stack.streamerDone(limit, settings.durationS * 2000 + 120_000);
    } finally {
      clearInterval(sampler);
    }
    await sampleInto(series, watched, (Date.now() - loadStart) / 1000);
    // Every subscriber should get every post of its topic: wait for the tail.
    const expectedPer = (topic: string) => done.tagged[topic] ?? 0;
    let report = await fleet.report();
    const drainDeadline = Date.now() + 60_000;
    while (
      Date.now() < drainDeadline &&
      !Object.entries(report.topics).every(([t, d]) => d.minPerSubscriber >= expectedPer(t))
    ) {
      await sleep(500);
      report = await fleet.report();
    }
    let expected = 0;
    let delivered = 0;
    let duplicates = 0;
    for (const [topic, d] of Object.entries(report.topics)) {
      expected += expectedPer(topic) * d.subscribers;
      delivered += d.deliveries;
      duplicates += d.duplicates;
    }
    await fleet.close();
    await stack.stop();

    const { commit, dirty } = gitCommit();
    const results = SoakResults.parse({
      schemaVersion: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      commit,
      dirty,
      command: `npm run soak -- ${process.argv.slice(2).join(" ")}`.trim(),
      settings,
      machine: describeMachine(broker.brokers, broker.started),
      delivery: {
        generated: done.handled,
        expected,
        delivered,
        missing: Math.max(0, expected - delivered),
        duplicates,
      },
      series: [...series.values()],
      slopes: [...series.values()].map((s) => slopesOf(s, settings.warmupS)),
    });
    fs.mkdirSync(out, { recursive: true });
    const file = path.join(
      out,
      `soak-${startedAt.toISOString().replace(/[:.]/g, "-")}-${commit}.json`,
    );
    fs.writeFileSync(file, await prettierFormat(JSON.stringify(results), file));
    log(`results: ${file}`);
    for (const r of results.slopes) {
      log(
        `${r.process}: RSS ${r.rssStartMiB} → ${r.rssEndMiB} MiB, ${r.rssMiBPerMin} MiB/min; heap ${r.heapMiBPerMin} MiB/min; fds ${r.fdsPerMin}/min`,
      );
    }
    const d = results.delivery;
    log(
      `delivered ${d.delivered} of ${d.expected} (missing ${d.missing}, duplicated ${d.duplicates})`,
    );
    if (docs) {
      await writeDocs(results);
      log("docs: docs/RELIABILITY.md, docs/benchmarks/soak-*.svg");
    }
    return 0;
  } finally {
    await cleanUp();
    fs.rmSync(ctx.workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(
      `[soak] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await stopAllTracked();
    process.exitCode = 1;
  },
);
