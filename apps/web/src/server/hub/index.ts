export {
  PostHub,
  type HubEnd,
  type HubSink,
  type HubSubscription,
  type PostPage,
  type TopicPost,
} from "./post-hub.ts";
export { decodeCursor } from "./cursor.ts";
export type { LabelCounts, MinuteBucket } from "./minute-stats.ts";
export { postFilter, type PostFilterOptions } from "./post-filter.ts";
