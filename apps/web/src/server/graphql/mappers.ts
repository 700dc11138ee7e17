// The objects resolvers hand to GraphQL (codegen's mappers, see codegen.ts):
// the gateway returns the hub's and the topic admin's own objects and lets
// field resolvers shape them, instead of copying them into schema types.
import type { HubItem, LabelCounts, MinuteBucket } from "../hub/index.ts";
import type { TopicRecord } from "../topics/index.ts";

export type { HubItem, TopicRecord };

/** A page of `tweets`, newest first. */
export interface TweetPage {
  items: HubItem[];
  hasNextPage: boolean;
}

/** One minute of counts as the hub keeps them (`minute`: its start, epoch ms). */
export type StatsBucketModel = MinuteBucket;

export type LabelCountsModel = LabelCounts;

export interface TopicStatsModel {
  topic: string;
  window: number;
  buckets: StatsBucketModel[];
  totals: LabelCountsModel;
}

/** A `topicsChanged` event, read once and shared by every subscriber. */
export interface TopicChangeModel {
  kind: "CREATED" | "UPDATED" | "DELETED";
  slug: string;
  topic: TopicRecord | null;
}
