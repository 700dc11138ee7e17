// History from Kafka: pages and exports of any time range a topic's Kafka log
// still keeps, read without a consumer group, and counts over any range
// (docs/API.md, "History").
export { exportHandler } from "./export-handler.ts";
export { LogPages } from "./log-pages.ts";
export { ReplayBudget } from "./replay.ts";
export {
  HistoryExpiredError,
  kafkaLogSource,
  partitionRanges,
  type LogSource,
} from "./log-range.ts";
export { BUCKET_MS, bucketFor, MAX_BUCKETS, TopicCounts, type BucketSize } from "./topic-counts.ts";
export { MAX_PREVIEW_SAMPLE, RulePreviewer, type RulePreviewResult } from "./rule-preview.ts";
