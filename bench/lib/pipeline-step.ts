// One measured step: subscribers are connected, a streamer sends `rate`
// posts/s for `warmupS` + `durationS` seconds, and the step ends when every
// subscriber has every post its topic was tagged with (or the drain time runs
// out). The first `warmupS` seconds of posts are the warm-up: their latency
// is kept apart, and CPU, memory, event-loop and hop figures start after it.
import { setTimeout as sleep } from "node:timers/promises";
import type { LatencySummary } from "./histogram.ts";
import type { LoadFleet } from "./load-fleet.ts";
import {
  bucketQuantile,
  bucketsBy,
  bucketsSince,
  scrape,
  sumOf,
  type Buckets,
  type Sample,
} from "./prometheus.ts";
import { startSampler, round, type ProcessFigures, type Watched } from "./sampler.ts";
import type { Stack } from "./system.ts";

/** Figures of one step. */
export interface StepResult {
  targetRate: number;
  /** Seconds of posts measured, after the warm-up. */
  durationS: number;
  /** Seconds of posts before them, the warm-up (0: none). */
  warmupS: number;
  /** Posts the source generated (the streamer's handled count). */
  generated: number;
  /** Posts that matched at least one topic and were published. */
  published: number;
  /** Ingest rate reached, from the first and last ingest timestamps received. */
  achievedRate: number;
  /** (post, subscriber) deliveries expected, from the streamer's per-topic counts. */
  expectedDeliveries: number;
  deliveries: number;
  missing: number;
  duplicates: number;
  subscribers: number;
  /** Ingest → receipt latency of the posts after the warm-up. */
  latencyMs: LatencySummary;
  /** The same of the warm-up's posts. */
  warmupLatencyMs: LatencySummary;
  /** Ingest → stage latency from the services' `tweetream_pipeline_latency_seconds`, after the warm-up. */
  hopsMs: Record<string, HopLatency>;
  /** Most records the classifier group was behind, and that in seconds at the target rate. */
  consumerLagMax: number;
  consumerLagSeconds: number;
  /** Seconds from the last post generated until every subscriber had every post. */
  drainS: number;
  processes: Record<string, ProcessFigures>;
  subscriptionErrors: number;
  firstError: string | null;
  /** Subscriptions the web process ended as too slow (SUBSCRIBER_TOO_SLOW; null: not scraped). */
  slowSubscriberDrops: number | null;
  /** Every post delivered, lag under 2 s, and the source kept the rate (≥ 95%). */
  sustained: boolean;
}

/** Ingest → one stage of the pipeline, from a service's histogram buckets (ms). */
export interface HopLatency {
  count: number;
  p50: number | null;
  p99: number | null;
}

/** Runs one step; `extraWatched` adds processes to sample (e.g. the broker). */
export async function runPipelineStep(
  stack: Stack,
  fleet: LoadFleet,
  options: {
    rate: number;
    durationS: number;
    /** Seconds of posts sent before the measured ones (default 0). */
    warmupS?: number;
    drainS: number;
    extraWatched?: Watched[];
    /** Sample the web server too (default true; false when another server does the fan-out). */
    watchWeb?: boolean;
  },
): Promise<StepResult> {
  const { rate, durationS, drainS } = options;
  const warmupS = options.warmupS ?? 0;
  const limit = Math.max(1, Math.round(rate * (warmupS + durationS)));
  await fleet.reset({ warmup: warmupS > 0 });
  const classifier = stack.classifier;
  const watched: Watched[] = [
    ...(options.watchWeb === false
      ? []
      : [{ name: "web", pid: stack.web.pid, metricsPort: stack.web.healthPort }]),
    ...(classifier
      ? [{ name: "classifier", pid: classifier.pid, metricsPort: classifier.healthPort }]
      : []),
    ...fleet.pids.map((pid, i) => ({ name: `load-${i}`, pid })),
    ...(options.extraWatched ?? []),
  ];
  const dropsBefore = await slowSubscriberDrops(stack, options.watchWeb);
  const streamer = await stack.startStreamer(rate, limit);
  if (warmupS > 0) {
    // One boundary for everything: the load processes split latencies at it
    // (by ingest time), and the sampler and the hop histograms start there.
    const measureFrom = (await stack.streamerFirstPost(120_000)) + warmupS * 1000;
    await fleet.measureFrom(measureFrom);
    await sleep(Math.max(0, measureFrom - Date.now()));
  }
  const services = watched.filter((w) => w.metricsPort !== undefined);
  const hopsBefore = await hopBuckets(services);
  const sampler = startSampler([
    ...watched,
    { name: "streamer", pid: streamer.pid, metricsPort: streamer.healthPort },
  ]);
  const done = await stack.streamerDone(limit, (warmupS + durationS) * 3000 + 120_000);
  let report = await fleet.report();
  const expectedPer = (topic: string) => done.tagged[topic] ?? 0;
  const complete = () =>
    Object.entries(report.topics).every(([t, d]) => d.minPerSubscriber >= expectedPer(t));
  const drainDeadline = Date.now() + drainS * 1000;
  while (!complete() && Date.now() < drainDeadline) {
    await sleep(250);
    report = await fleet.report();
  }
  const drainedAt = Date.now();
  const processes = await sampler.stop();
  const hopsAfter = await hopBuckets(services);
  await stack.stopStreamer();
  const dropsAfter = await slowSubscriberDrops(stack, options.watchWeb);

  let expected = 0;
  let deliveries = 0;
  let duplicates = 0;
  let subscribers = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const [topic, d] of Object.entries(report.topics)) {
    expected += expectedPer(topic) * d.subscribers;
    deliveries += d.deliveries;
    duplicates += d.duplicates;
    subscribers += d.subscribers;
    if (d.firstIngestedAt !== null) first = Math.min(first, d.firstIngestedAt);
    if (d.lastIngestedAt !== null) last = Math.max(last, d.lastIngestedAt);
  }
  const spanS = last > first ? (last - first) / 1000 + 1 / rate : Number.NaN;
  const achievedRate = Number.isFinite(spanS) ? round(done.handled / spanS, 1) : 0;
  const lag = processes.classifier?.consumerLagMax ?? 0;
  const lagSeconds = round(lag / rate, 3);
  const missing = Math.max(0, expected - deliveries);
  return {
    targetRate: rate,
    durationS,
    warmupS,
    generated: done.handled,
    published: done.published,
    achievedRate,
    expectedDeliveries: expected,
    deliveries,
    missing,
    duplicates,
    subscribers,
    latencyMs: report.latency,
    warmupLatencyMs: report.warmupLatency,
    hopsMs: hopsBetween(hopsBefore, hopsAfter),
    consumerLagMax: lag,
    consumerLagSeconds: lagSeconds,
    drainS: round((drainedAt - done.doneAt) / 1000, 2),
    processes,
    subscriptionErrors: report.errors,
    firstError: report.firstError,
    slowSubscriberDrops:
      dropsBefore === null || dropsAfter === null ? null : dropsAfter - dropsBefore,
    sustained:
      done.handled >= limit &&
      expected > 0 &&
      missing === 0 &&
      lagSeconds < 2 &&
      achievedRate >= 0.95 * rate,
  };
}

/** The buckets of `tweetream_pipeline_latency_seconds` per stage, summed over `services`. */
async function hopBuckets(services: readonly Watched[]): Promise<Record<string, Buckets>> {
  const scrapes = await Promise.all(
    services.map(async (w) => (w.metricsPort === undefined ? undefined : scrape(w.metricsPort))),
  );
  const samples: Sample[] = scrapes.flatMap((s) => s ?? []);
  return bucketsBy(samples, "tweetream_pipeline_latency_seconds", "stage");
}

/** p50 and p99 (ms) of what each stage observed between two scrapes; stages without any left out. */
function hopsBetween(
  before: Record<string, Buckets>,
  after: Record<string, Buckets>,
): Record<string, HopLatency> {
  const out: Record<string, HopLatency> = {};
  for (const [stage, buckets] of Object.entries(after)) {
    const since = bucketsSince(buckets, before[stage]);
    const count = since.get(Number.POSITIVE_INFINITY) ?? 0;
    if (count === 0) continue;
    const ms = (q: number) => {
      const seconds = bucketQuantile(since, q);
      return seconds === null ? null : round(seconds * 1000, 1);
    };
    out[stage] = { count, p50: ms(0.5), p99: ms(0.99) };
  }
  return out;
}

/** The web process's `tweetream_web_subscriber_too_slow_total`, or null when it is not measured. */
async function slowSubscriberDrops(
  stack: Stack,
  watchWeb: boolean | undefined,
): Promise<number | null> {
  if (watchWeb === false) return null;
  const samples = await scrape(stack.web.healthPort);
  return samples ? sumOf(samples, "tweetream_web_subscriber_too_slow_total") : null;
}
