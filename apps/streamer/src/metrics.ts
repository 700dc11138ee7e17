import { Counter, Histogram, deadLetterCounter, type Registry } from "@tweetream/shared";

/** The streamer's Prometheus metrics (docs/OPERATIONS.md lists them all). */
export function createStreamerMetrics(registry: Registry) {
  return {
    /** Malformed control records set aside by the catalogue follower. */
    deadLetters: deadLetterCounter(registry),
    posts: new Counter({
      name: "tweetream_streamer_posts_total",
      help: "Posts the streamer received, by source and outcome: published, duplicates, unmatched (no topic) or invalid.",
      labelNames: ["source", "outcome"] as const,
      registers: [registry],
    }),
    sourceEvents: new Counter({
      name: "tweetream_streamer_source_events_total",
      help: "Events a live source received, by source and outcome: post, delete, edit (Mastodon; not handed on), other (ignored kinds, collections and boosts) or malformed (skipped).",
      labelNames: ["source", "outcome"] as const,
      registers: [registry],
    }),
    sourceReconnects: new Counter({
      name: "tweetream_streamer_source_reconnects_total",
      help: "Times a live source's connection ended and it reconnected, by source.",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
    tagged: new Counter({
      name: "tweetream_streamer_tagged_total",
      help: "Published posts per user topic they were tagged with.",
      labelNames: ["topic"] as const,
      registers: [registry],
    }),
    publishSeconds: new Histogram({
      name: "tweetream_streamer_publish_seconds",
      help: "Time for a batch of posts to be acknowledged by Kafka.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
export type StreamerMetrics = ReturnType<typeof createStreamerMetrics>;
