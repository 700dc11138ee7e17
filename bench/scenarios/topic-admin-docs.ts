// Section 6 of docs/BENCHMARKS.md: topic administration under load, per
// number of concurrent admin clients, and the topics it left half done.
import { groupedBarSpec, renderSvg, type Row } from "../lib/charts.ts";
import { ms, num, table } from "../lib/doc-format.ts";
import type { DocSection } from "../lib/doc-section.ts";

/** Errors by kind ("timeout 2, conflict 1"), "0" when there were none. */
const errs = (e: Record<string, number>) =>
  Object.keys(e).length
    ? Object.entries(e)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")
    : "0";

export const topicAdminDocs: DocSection = {
  async render({ results, leadNotes, chart }) {
    const a = results.scenarios["topic-admin"];
    if (!a) return [];
    const lines = [
      "## 6. Topic administration under load",
      `The original's Locust scenario: N concurrent admin clients each create a topic through the GraphQL API (\`createTopic\` returns once the topic is ACTIVE: catalogue row, Kafka topic, control record) and delete it, ${results.settings.adminIterations} times, while the synthetic source runs at ${num(a.backgroundRate)} posts/s. At the end the \`topics\` query must show no topic PENDING or DELETING.`,
    ];
    if (a.status !== "ok") lines.push(`Failed: ${a.reason ?? "?"}`);
    if (a.levels.length) {
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
        await chart(
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
    lines.push(leadNotes("topic-admin"));
    return lines;
  },
};
