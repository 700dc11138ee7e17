// Section 3 of docs/BENCHMARKS.md: the fan-out scenario's figures per
// subscriber count and step length, its charts and what limited each level's
// worst run.
import { lineSpec, renderSvg, type Row } from "../lib/charts.ts";
import { mib, ms, mw, mwMib, mwMs, num, overRuns, table, us, whichRun } from "../lib/doc-format.ts";
import type { DocSection } from "../lib/doc-section.ts";
import { limitOf, runFigures, worstRun } from "../lib/doc-steps.ts";
import type { Step } from "../lib/results.ts";

/** Seconds of posts a step sent, its warm-up included (what count-based rates divide by). */
const sentSeconds = (step: Step) => step.durationS + step.warmupS;

export const fanoutDocs: DocSection = {
  targets(results) {
    const fan10k = (results.scenarios.fanout?.levels ?? [])
      .filter((l) => l.subscribers === 10_000 && l.steps.length > 0)
      .sort((a, b) => (b.durationS ?? 0) - (a.durationS ?? 0))[0];
    if (!fan10k) return [];
    const f = runFigures(fan10k.steps, "web");
    const ok =
      (f.p99?.median ?? Infinity) <= 500 &&
      (f.rss?.median ?? Infinity) <= 2 ** 30 &&
      fan10k.connected === 10_000;
    return [
      [
        "3 fan-out, 10,000 subscribers",
        "p99 ≤ 500 ms, RSS ≤ 1 GiB",
        `${overRuns(f.p99, fan10k.steps, ms)}, ${overRuns(f.rss, fan10k.steps, mib)}`,
        ok ? "yes" : "no",
      ],
    ];
  },

  fullySampledSteps: (results) => (results.scenarios.fanout?.levels ?? []).flatMap((l) => l.steps),

  async render({ results, leadNotes, chart }) {
    const f = results.scenarios.fanout;
    if (!f) return [];
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
        await chart(
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
        await chart(
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
          items.push(
            `${who}${whichRun(worst, l.steps.length)}: ${limitOf(worst, results.machine.cpus)}`,
          );
      }
      lines.push(items.join("\n"));
    }
    lines.push(leadNotes("fanout"));
    return lines;
  },
};
