// Section 2 of docs/BENCHMARKS.md: the latency scenario's figures over the
// runs of each step, where the time goes (the services' hop histograms), its
// chart and what limited each step's worst run.
import { groupedBarSpec, renderSvg, type Row } from "../lib/charts.ts";
import { ms, mw, mwMib, mwMs, num, overRuns, table, us, whichRun } from "../lib/doc-format.ts";
import type { DocSection } from "../lib/doc-section.ts";
import { limitOf, longestRuns, runFigures, worstRun } from "../lib/doc-steps.ts";
import type { Step } from "../lib/results.ts";
import { groupBy } from "../lib/step-figures.ts";

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

export const latencyDocs: DocSection = {
  targets(results) {
    // Judged on the longest step length's runs, by their median; the worst beside it.
    const lat1000 = longestRuns(
      groupBy(
        (results.scenarios.latency?.steps ?? []).filter((x) => x.targetRate === 1000),
        (x) => String(x.durationS),
      ),
    );
    if (!lat1000) return [];
    const f = runFigures(lat1000, "web");
    return [
      [
        "2 latency p99 at 1,000/s",
        "≤ 100 ms",
        overRuns(f.p99, lat1000, ms),
        (f.p99?.median ?? Infinity) <= 100 && lat1000.every((x) => x.missing === 0) ? "yes" : "no",
      ],
    ];
  },

  fullySampledSteps: (results) => results.scenarios.latency?.steps ?? [],

  async render({ results, leadNotes, chart }) {
    const latency = results.scenarios.latency;
    if (!latency) return [];
    const groups = groupBy(latency.steps, (x) => `${x.label}|${String(x.durationS)}`);
    const severalLengths = new Set(latency.steps.map((x) => x.durationS)).size > 1;
    const name = (x: Step & { label: string }) =>
      severalLengths ? `${x.label}, ${num(x.durationS)} s` : x.label;
    const lines = [
      "## 2. End-to-end latency",
      "From the post's ingest timestamp (set by the streamer) to its receipt by a WebSocket subscriber in the load process, over every delivery of the step after its warm-up (HdrHistogram, 1 ms resolution); the warm-up's own p99 beside it. Web RSS and event-loop p99 are the highest the web process showed during a run; CPU/frame is its CPU time over the run ÷ the frames it delivered (one subscriber per topic).",
    ];
    if (latency.status !== "ok") lines.push(`Failed: ${latency.reason ?? "?"}`);
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
        await chart(
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
              ? [
                  `- ${name(first)}${whichRun(worst, runs.length)}: ${limitOf(worst, results.machine.cpus)}`,
                ]
              : [];
          })
          .join("\n"),
      );
    }
    lines.push(leadNotes("latency"));
    return lines;
  },
};
