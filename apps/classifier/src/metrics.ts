import {
  Counter,
  Histogram,
  LATENCY_BUCKETS,
  consumerLagGauge,
  deadLetterCounter,
  type Registry,
} from "@tweetream/shared";

/** The classifier's Prometheus metrics (docs/OPERATIONS.md lists them all). */
export function createClassifierMetrics(registry: Registry) {
  return {
    posts: new Counter({
      name: "tweetream_classifier_posts_total",
      help: "Preprocessed posts by outcome: consumed, then classified (not_classified: of those, the posts kept from the model by their language).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    published: new Counter({
      name: "tweetream_classifier_published_total",
      help: "Classified posts written, per user topic and label.",
      labelNames: ["topic", "label"] as const,
      registers: [registry],
    }),
    dropped: new Counter({
      name: "tweetream_classifier_dropped_total",
      help: "(post, topic) pairs not written, by reason (unknown_topic: deleted or never created).",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: "tweetream_classifier_inference_batch_size",
      help: "Posts per model call.",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
      registers: [registry],
    }),
    inferenceSeconds: new Histogram({
      name: "tweetream_classifier_inference_seconds",
      help: "Time of one model call.",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    latency: new Histogram({
      name: "tweetream_pipeline_latency_seconds",
      help: "Time from a post's ingest by the streamer to a stage (classified: labelled by the classifier).",
      labelNames: ["stage"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    lag: consumerLagGauge(registry),
    deadLetters: deadLetterCounter(registry),
  };
}
