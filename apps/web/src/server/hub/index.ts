export {
  PostHub,
  type HubEnd,
  type HubSink,
  type HubSubscription,
  type PostPage,
  type TopicPost,
} from "./post-hub.ts";
export { decodeCursor, type Position } from "./cursor.ts";
export {
  LABEL_FIELD,
  LABEL_FIELDS,
  noCounts,
  type LabelCounts,
  type MinuteBucket,
} from "./minute-stats.ts";
export { postFilter, type PostFilterOptions } from "./post-filter.ts";
