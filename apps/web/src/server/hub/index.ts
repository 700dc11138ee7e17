export {
  TweetHub,
  type HubEnd,
  type HubItem,
  type HubSink,
  type HubSubscription,
} from "./tweet-hub.ts";
export { decodeCursor } from "./cursor.ts";
export type { LabelCounts, MinuteBucket } from "./minute-stats.ts";
export type { PostFilterOptions } from "./post-filter.ts";
