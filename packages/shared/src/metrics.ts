import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export { Counter, Gauge, Histogram, Registry };

/**
 * A Prometheus registry for one service, with the Node.js process metrics
 * (CPU, memory, event-loop lag, open file descriptors) prefixed `tweetream_`
 * and a `service` label on every series.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: "tweetream_" });
  return registry;
}

/** Seconds between an epoch-ms timestamp and now (never negative: clocks of hosts differ). */
export function secondsSince(epochMs: number, now = Date.now()): number {
  return Math.max(0, now - epochMs) / 1000;
}

/** Buckets for end-to-end latency, 1 ms to 30 s. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/**
 * Consumer lag per partition (records not yet consumed), updated after each
 * batch from the batch's high watermark.
 */
export function consumerLagGauge(registry: Registry): Gauge<"group" | "topic" | "partition"> {
  return new Gauge({
    name: "tweetream_consumer_lag",
    help: "Records in a partition not yet consumed by the group (after the last batch).",
    labelNames: ["group", "topic", "partition"],
    registers: [registry],
  });
}

/** Records a service sent to the dead-letter topic, by reason (see docs/TOPICS.md). */
export function deadLetterCounter(registry: Registry): Counter<"reason"> {
  return new Counter({
    name: "tweetream_dead_letters_total",
    help: "Records sent to the dead-letter topic, by reason.",
    labelNames: ["reason"],
    registers: [registry],
  });
}
