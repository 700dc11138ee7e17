// Section 7 of docs/BENCHMARKS.md: start-up times, cold and warm.
import { num, table } from "../lib/doc-format.ts";
import type { DocSection } from "../lib/doc-section.ts";

export const startupDocs: DocSection = {
  render({ results }) {
    const startup = results.scenarios.startup;
    if (!startup) return [];
    return [
      "## 7. Start-up",
      "From the start command (`node --import tsx tooling/start.ts`, i.e. `npm start` without its dependency check and dashboard build, with the broker already running) to the first post on a subscriber. Cold: new catalogue and Kafka topics; an admin creates the topic the moment web is ready. Warm: the same catalogue and topics again.",
      startup.status === "ok"
        ? table(
            ["run", "web ready", "topic created", "first post", "all services ready"],
            startup.runs.map((r) => [
              r.kind,
              `${num(r.webReadyS, 1)} s`,
              r.topicCreatedS === null ? "–" : `${num(r.topicCreatedS, 1)} s`,
              `${num(r.firstPostS, 1)} s`,
              r.allReadyS === null ? "–" : `${num(r.allReadyS, 1)} s`,
            ]),
          )
        : `Failed: ${startup.reason ?? "?"}`,
    ];
  },
};
