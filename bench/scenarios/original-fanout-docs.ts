// Section 5a of docs/BENCHMARKS.md: the original design's fan-out (a Kafka
// consumer per subscriber) beside Tweetream's, with the ratios and charts.
import { groupedBarSpec, renderSvg, type Row } from "../lib/charts.ts";
import { mib, ms, num, table } from "../lib/doc-format.ts";
import type { DocSection } from "../lib/doc-section.ts";

export const originalFanoutDocs: DocSection = {
  async render({ results, leadNotes, chart }) {
    const o = results.scenarios["original-fanout"];
    if (!o) return [];
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
        await chart(
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
        await chart(
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
    lines.push(leadNotes("original-fanout"));
    return lines;
  },
};
