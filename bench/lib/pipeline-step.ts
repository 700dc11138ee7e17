// One measured step: subscribers are connected, a streamer sends `rate`
// posts/s for `durationS` seconds, and the step ends when every subscriber
// has every post its topic was tagged with (or the drain time runs out).
import { setTimeout as sleep } from "node:timers/promises";
import type { LatencySummary } from "./histogram.ts";
import type { LoadFleet } from "./load-fleet.ts";
import { scrape, sumOf } from "./prometheus.ts";
import { startSampler, round, type ProcessFigures, type Watched } from "./sampler.ts";
import type { Stack } from "./system.ts";

/** Figures of one step. */
export interface StepResult {
  targetRate: number;
  durationS: number;
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
  latencyMs: LatencySummary;
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

/** Runs one step; `extraWatched` adds processes to sample (e.g. the broker). */
export async function runPipelineStep(
  stack: Stack,
  fleet: LoadFleet,
  options: {
    rate: number;
    durationS: number;
    drainS: number;
    extraWatched?: Watched[];
    /** Sample the web server too (default true; false when another server does the fan-out). */
    watchWeb?: boolean;
  },
): Promise<StepResult> {
  const { rate, durationS, drainS } = options;
  const limit = Math.max(1, Math.round(rate * durationS));
  await fleet.reset();
  const classifier = stack.classifier;
  const watched: Watched[] = [
    ...(options.watchWeb === false
      ? []
      : [{ name: "web", pid: stack.web.tracked.pid, metricsPort: stack.web.port }]),
    ...(classifier
      ? [{ name: "classifier", pid: classifier.tracked.pid, metricsPort: classifier.port }]
      : []),
    ...fleet.pids.map((pid, i) => ({ name: `load-${i}`, pid })),
    ...(options.extraWatched ?? []),
  ];
  const dropsBefore = await slowSubscriberDrops(stack, options.watchWeb);
  const streamer = await stack.startStreamer(rate, limit);
  const sampler = startSampler([
    ...watched,
    { name: "streamer", pid: streamer.tracked.pid, metricsPort: streamer.port },
  ]);
  const done = await stack.streamerDone(limit, durationS * 3000 + 120_000);
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
    generated: done.handled,
    published: done.published,
    achievedRate,
    expectedDeliveries: expected,
    deliveries,
    missing,
    duplicates,
    subscribers,
    latencyMs: report.latency,
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

/** The web process's `tweetream_web_subscriber_too_slow_total`, or null when it is not measured. */
async function slowSubscriberDrops(
  stack: Stack,
  watchWeb: boolean | undefined,
): Promise<number | null> {
  if (watchWeb === false) return null;
  const samples = await scrape(stack.web.port);
  return samples ? sumOf(samples, "tweetream_web_subscriber_too_slow_total") : null;
}
