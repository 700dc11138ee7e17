// Section 1 of docs/BENCHMARKS.md: the throughput scenario's steps, its chart
// and what limited its last step.
import { lineSpec, renderSvg, type Row } from "../lib/charts.ts";
import { ms, num, table } from "../lib/doc-format.ts";
import type { DocSection } from "../lib/doc-section.ts";
import { limitOf } from "../lib/doc-steps.ts";
import type { Step } from "../lib/results.ts";

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

export const throughputDocs: DocSection = {
  targets(results) {
    const tp = results.scenarios.throughput;
    if (!tp) return [];
    return [
      [
        "1 throughput",
        "≥ 6,000 posts/s",
        `${num(tp.maxSustainedRate)} posts/s`,
        tp.maxSustainedRate >= 6000 ? "yes" : "no",
      ],
    ];
  },

  fullySampledSteps: (results) => results.scenarios.throughput?.steps ?? [],

  async render({ results, leadNotes, chart }) {
    const tp = results.scenarios.throughput;
    if (!tp) return [];
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
        await chart(
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
          `What limits it (generated from the last step, ${num(last.targetRate)} posts/s): ${limitOf(last, results.machine.cpus)}`,
        );
    }
    lines.push(leadNotes("throughput"));
    return lines;
  },
};
