import type { Logger } from "@tweetream/shared";
import type { LogPages, LogSource, ReplayBudget, TopicCounts } from "../history/index.ts";
import type { PostHub } from "../hub/index.ts";
import type { TopicAdmin } from "../topics/index.ts";
import type { LiveTopics } from "./live-topics.ts";
import type { RulePreviews } from "./rule-preview.ts";

/** What the resolvers work with; one set per web process. */
export interface GatewayServices {
  hub: Pick<PostHub, "subscribe" | "history" | "stats" | "onDeleted" | "isDeleted" | "coverage">;
  /** Pages of topics' Kafka logs over time ranges (`tweets` with `from` or `to`). */
  history: Pick<LogPages, "page" | "pageBackward">;
  /** Counts of topics' posts over any range (`topicStats` with `from`). */
  counts: Pick<TopicCounts, "range">;
  /** Topics' Kafka logs, for `tweetAdded(from:)`'s replay. */
  log: LogSource;
  /** Rule previews over the preprocessed-posts topic, and this process's slots for them. */
  previews: RulePreviews;
  /** Most posts a second one `tweetAdded(from:)` replay sends (WEB_REPLAY_RATE). */
  replayRate: number;
  /** Posts a second all replays of the process send together (WEB_REPLAY_TOTAL_RATE). */
  replayBudget: ReplayBudget;
  topics: Pick<TopicAdmin, "list" | "get" | "create" | "update" | "delete">;
  /** The topics this process's catalogue follower has applied, and their changes. */
  live: LiveTopics;
  logger: Logger;
  /** Told of each value a slow topicsChanged or tweetDeleted subscriber lost (its buffer was full); default none. */
  onSubscriberDropped?: (subscription: DroppingSubscription) => void;
}

/**
 * The subscriptions whose slow readers lose values: topicsChanged and
 * tweetDeleted (topicStats only ever keeps the latest; tweetAdded subscribers
 * are told they fell behind).
 */
export type DroppingSubscription = "topicsChanged" | "tweetDeleted";
