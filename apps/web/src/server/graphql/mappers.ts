// The objects resolvers hand to GraphQL (codegen's mappers, see codegen.ts):
// the gateway returns the hub's and the topic admin's own objects and lets
// field resolvers shape them, instead of copying them into schema types. Most
// are mapped straight to their own type (Tweet → the hub's TopicPost,
// TweetConnection → PostPage, StatsBucket → MinuteBucket, LabelCounts →
// LabelCounts, Topic → the topic admin's TopicRecord); the two below exist
// only for GraphQL.
import type { LabelCounts, MinuteBucket } from "../hub/index.ts";
import type { TopicRecord } from "../topics/index.ts";

/**
 * A topic's `topicStats`: the hub's minute counts over a window, or the
 * catalogue's counts over a range (`minute` is then each bucket's start).
 */
export interface TopicStatsMapper {
  topic: string;
  window: number;
  /** Epoch ms: the first bucket's start and the last one's end. */
  from: number;
  to: number;
  bucket: "MINUTE" | "HOUR" | "DAY";
  buckets: MinuteBucket[];
  totals: LabelCounts;
  /** Epoch ms, for a range: every post recorded before it is counted. */
  countedThrough?: number;
}

/** A `topicsChanged` event, read once and shared by every subscriber. */
export interface TopicChangeMapper {
  kind: "CREATED" | "UPDATED" | "DELETED";
  slug: string;
  topic: TopicRecord | null;
}
