import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export { Counter, Gauge, Histogram, Registry };

/**
 * prom-client's default metrics that walk every libuv handle or file
 * descriptor when scraped: with 10,000 WebSockets in a web process, these took
 * about 80 ms of its event loop per scrape (a CPU profile of `npm run bench --
 * --scenario fanout --subscribers 10000 --cpu-prof`), a stall every subscriber
 * felt. They are collected at most every PER_HANDLE_METRICS_EVERY_MS and
 * report their last value in between.
 */
const PER_HANDLE_METRICS = [
  "nodejs_active_handles",
  "nodejs_active_handles_total",
  "nodejs_active_resources",
  "nodejs_active_resources_total",
  "process_open_fds",
];
export const PER_HANDLE_METRICS_EVERY_MS = 30_000;

/**
 * A Prometheus registry for one service, with the Node.js process metrics
 * (CPU, memory, event-loop lag, open file descriptors) prefixed `tweetream_`
 * and a `service` label on every series.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: "tweetream_" });
  for (const name of PER_HANDLE_METRICS) {
    // prom-client calls a metric's `collect` at every scrape and has no option for this.
    const metric = registry.getSingleMetric(`tweetream_${name}`) as
      { collect?: (this: unknown) => unknown } | undefined;
    const collect = metric?.collect;
    if (!metric || !collect) continue;
    let last = Number.NEGATIVE_INFINITY;
    metric.collect = function (this: unknown) {
      const now = Date.now();
      if (now - last < PER_HANDLE_METRICS_EVERY_MS) return undefined;
      last = now;
      return collect.call(this);
    };
  }
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
