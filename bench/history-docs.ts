// The "History from Kafka" section of docs/BENCHMARKS.md. Its figures come
// from bench/history.ts and apps/web/src/bench/export-rate.ts, run by hand
// (not by `npm run bench`), so they live in the section's lead notes, which
// every regeneration keeps.
import type { DocSection } from "./lib/doc-section.ts";

export const historyDocs: DocSection = {
  render: ({ leadNotes }) => [
    "## 9. History from Kafka",
    "Issue #16: pages, replays, counts and exports of any range Kafka keeps, read from the topics' logs. Measured by scripts run by hand against a broker started with `npm run kafka -- start`: `bench/history.ts` (a web process of its own; `tweets(from, to)` page latency in the middle of a week, the replay rate of `tweetAdded(from:)`, live subscribers' latency alone and while clients replay a day) `apps/web/src/bench/export-rate.ts` (`GET /export`) and `apps/web/src/bench/rule-preview.ts` (`previewRule` over an hour). Each prints every run, then the median and the worst.",
    leadNotes("history"),
  ],
};
