import {
  Counter,
  Gauge,
  Histogram,
  LATENCY_BUCKETS,
  deadLetterCounter,
  secondsSince,
  type Registry,
} from "@tweetream/shared";
import type { DroppingSubscription } from "./graphql/gateway-services.ts";
import type { TopicPost } from "./hub/index.ts";

/** The web server's Prometheus metrics (docs/OPERATIONS.md lists them all). */
export function createWebMetrics(
  registry: Registry,
  subscriptions: () => number,
  execution: () => { executed: number; shared: number } | undefined,
) {
  const posts = new Counter({
    name: "tweetream_web_posts_total",
    help: "Classified posts the web process received live, per topic.",
    labelNames: ["topic"] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "tweetream_web_deliveries_total",
    help: "Posts handed to subscribers (one per post and subscriber).",
    registers: [registry],
  });
  const latency = new Histogram({
    name: "tweetream_pipeline_latency_seconds",
    help: "Time from a post's ingest by the streamer to a stage (delivered: handed to the web process's subscribers).",
    labelNames: ["stage"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: "tweetream_web_duplicates_total",
    help: "Repeats of a post already received in its topic, dropped before any subscriber (the pipeline is at least once).",
    labelNames: ["topic"] as const,
    registers: [registry],
  });
  const dropped = new Counter({
    name: "tweetream_web_subscriber_dropped_total",
    help: "Values a slow topicsChanged or tweetDeleted subscriber never got: 1,000 were waiting for it and the oldest was dropped.",
    labelNames: ["subscription"] as const,
    registers: [registry],
  });
  const tooSlow = new Counter({
    name: "tweetream_web_subscriber_too_slow_total",
    help: "tweetAdded subscriptions ended with SUBSCRIBER_TOO_SLOW: the subscriber fell behind the oldest post its topic's history keeps.",
    registers: [registry],
  });
  const deleted = new Counter({
    name: "tweetream_web_posts_deleted_total",
    help: "Posts taken out of this process's history because their source deleted them.",
    registers: [registry],
  });
  new Gauge({
    name: "tweetream_web_subscriptions",
    help: "Active tweetAdded subscriptions in this process.",
    registers: [registry],
    collect() {
      this.set(subscriptions());
    },
  });
  new Counter({
    name: "tweetream_web_subscription_events_total",
    help: "Subscription events by how their result was made: executed, or shared (another subscriber's execution of the same selection reused).",
    labelNames: ["result"] as const,
    registers: [registry],
    collect() {
      const stats = execution();
      this.reset();
      this.inc({ result: "executed" }, stats?.executed ?? 0);
      this.inc({ result: "shared" }, stats?.shared ?? 0);
    },
  });
  return {
    deadLetters: deadLetterCounter(registry),
    /** For the gateway's `onSubscriberDropped`. */
    subscriberDropped: (subscription: DroppingSubscription) => {
      dropped.inc({ subscription });
    },
    /** For PostHub's `onDeleted`. */
    deleted: (removed: number) => {
      deleted.inc(removed);
    },
    /** For PostHub's `onTooSlow`. */
    subscriberTooSlow: () => {
      tooSlow.inc();
    },
    /** For PostHub's `onDuplicate`. */
    duplicate: (item: TopicPost) => {
      duplicates.inc({ topic: item.slug });
    },
    /** For PostHub's `onDelivered`. */
    delivered: (item: TopicPost, subscribers: number) => {
      posts.inc({ topic: item.slug });
      if (subscribers === 0) return;
      deliveries.inc(subscribers);
      latency.observe({ stage: "delivered" }, secondsSince(item.post.ingestedAt));
    },
  };
}
