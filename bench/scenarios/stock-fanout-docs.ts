// Section 8 of docs/BENCHMARKS.md: Tweetream's fan-out beside the stock
// stack's at each subscriber count and step length, the ratios of the
// medians, the chart and what limited each side's worst run.
import { groupedBarSpec, renderSvg, type Row } from "../lib/charts.ts";
import { mw, mwMib, mwMs, num, table, us, whichRun } from "../lib/doc-format.ts";
import type { DocSection } from "../lib/doc-section.ts";
import { limitOf, runFigures, worstRun } from "../lib/doc-steps.ts";

export const stockFanoutDocs: DocSection = {
  fullySampledSteps: (results) =>
    (results.scenarios["stock-fanout"]?.levels ?? []).flatMap((l) => [
      ...l.tweetream.steps,
      ...l.stock.steps,
    ]),

  async render({ results, leadNotes, chart }) {
    const sf = results.scenarios["stock-fanout"];
    if (!sf) return [];
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
        await chart(
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
            items.push(
              `${what}${whichRun(worst, side.steps.length)}: ${limitOf(worst, results.machine.cpus)}`,
            );
          }
        }
      }
      lines.push(items.join("\n"));
    }
    lines.push(leadNotes("stock-fanout"));
    return lines;
  },
};
