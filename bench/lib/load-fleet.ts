// Several load processes driven as one: subscribers are split between them,
// each connecting from its own loopback source addresses.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { TopicDeliveries } from "../load/protocol.ts";
import { mergeHistograms, summarize, type LatencySummary } from "./histogram.ts";
import { LoadProcess } from "./load-client.ts";
import { scrape, sumOf } from "./prometheus.ts";
import type { RunContext } from "./system.ts";

/** The subscription every benchmark subscriber runs: just what latency and counting need. */
export const TWEET_SUBSCRIPTION =
  "subscription ($topic: ID!) { tweetAdded(topic: $topic) { id ingestedAt } }";

/** Source addresses per load process (127.0.0.0/8 is all loopback). */
const ADDRESSES_PER_PROCESS = 8;

/** Deliveries summed over load processes, per topic. */
export type FleetDeliveries = Record<string, TopicDeliveries>;

/** What the fleet measured since the last reset. */
export interface FleetReport {
  /** Ingest → receipt latency of the step, the warm-up left out. */
  latency: LatencySummary;
  /** The same of the posts ingested during the warm-up (empty without one). */
  warmupLatency: LatencySummary;
  topics: FleetDeliveries;
  errors: number;
  ended: number;
  firstError: string | null;
  loadRssBytes: number;
}

/** A set of load processes. */
export class LoadFleet {
  readonly processes: LoadProcess[];

  private constructor(processes: LoadProcess[]) {
    this.processes = processes;
  }

  static start(ctx: RunContext, count: number, name: string): LoadFleet {
    return new LoadFleet(
      Array.from({ length: count }, (_, i) =>
        LoadProcess.start(`load-${name}-${i}`, path.join(ctx.workDir, `load-${name}-${i}.log`)),
      ),
    );
  }

  get pids(): number[] {
    return this.processes.map((p) => p.tracked.pid);
  }

  /**
   * Opens `total` subscribers (topic i % topics.length) split over the load
   * processes, then waits until the server counts them all (`metricsPort`).
   */
  async subscribe(options: {
    url: string;
    topics: readonly string[];
    total: number;
    metricsPort: number;
    /** Subscriptions the server already had before, e.g. other fleets'. */
    alreadyThere?: number;
    timeoutMs: number;
    query?: string;
    field?: string;
    /** The server's gauge of active subscriptions (default tweetream_web_subscriptions). */
    gauge?: string;
  }): Promise<{ connected: number; failed: number; ms: number; firstError: string | null }> {
    const started = Date.now();
    const n = this.processes.length;
    const replies = await Promise.all(
      this.processes.map((p, k) => {
        const count = Math.floor(options.total / n) + (k < options.total % n ? 1 : 0);
        const addresses = Array.from(
          { length: ADDRESSES_PER_PROCESS },
          (_, a) => `127.0.${1 + k}.${1 + a}`,
        );
        return p.request(
          {
            type: "subscribe",
            url: options.url,
            query: options.query ?? TWEET_SUBSCRIPTION,
            field: options.field ?? "tweetAdded",
            // Rotate so each process covers every topic.
            topics: options.topics.map(
              (_, i) => options.topics[(i + k) % options.topics.length] ?? "",
            ),
            count,
            addresses,
            concurrency: 100,
            timeoutMs: 30_000,
          },
          "subscribed",
          options.timeoutMs,
        );
      }),
    );
    const connected = replies.reduce((a, r) => a + r.connected, 0);
    const failed = replies.reduce((a, r) => a + r.failed, 0);
    // graphql-ws does not acknowledge a subscribe; the server's gauge does.
    const want = (options.alreadyThere ?? 0) + connected;
    const deadline = Date.now() + options.timeoutMs;
    while (Date.now() < deadline) {
      const samples = await scrape(options.metricsPort);
      if (samples && sumOf(samples, options.gauge ?? "tweetream_web_subscriptions") >= want) break;
      await sleep(200);
    }
    return {
      connected,
      failed,
      ms: Date.now() - started,
      firstError: replies.find((r) => r.firstError)?.firstError ?? null,
    };
  }

  /**
   * Clears what the load processes measured, to start a step. With `warmup`,
   * every delivery counts as warm-up until `measureFrom` is called.
   */
  async reset(options: { warmup?: boolean } = {}): Promise<void> {
    const command = { type: "reset" as const, warmup: options.warmup ?? false };
    await Promise.all(this.processes.map((p) => p.request(command, "ack", 60_000)));
  }

  /** Posts ingested from `at` (epoch ms) on are the step's; earlier ones its warm-up. */
  async measureFrom(at: number): Promise<void> {
    await Promise.all(
      this.processes.map((p) => p.request({ type: "measure-from", at }, "ack", 60_000)),
    );
  }

  async report(): Promise<FleetReport> {
    const replies = await Promise.all(
      this.processes.map((p) => p.request({ type: "report" }, "report", 120_000)),
    );
    const topics: FleetDeliveries = {};
    for (const r of replies) {
      for (const [name, t] of Object.entries(r.topics)) {
        const sum = topics[name];
        if (!sum) {
          topics[name] = { ...t };
          continue;
        }
        const first = [sum.firstIngestedAt, t.firstIngestedAt].filter((v) => v !== null);
        const last = [sum.lastIngestedAt, t.lastIngestedAt].filter((v) => v !== null);
        topics[name] = {
          subscribers: sum.subscribers + t.subscribers,
          distinctPosts: Math.max(sum.distinctPosts, t.distinctPosts),
          deliveries: sum.deliveries + t.deliveries,
          duplicates: sum.duplicates + t.duplicates,
          minPerSubscriber:
            t.subscribers === 0
              ? sum.minPerSubscriber
              : sum.subscribers === 0
                ? t.minPerSubscriber
                : Math.min(sum.minPerSubscriber, t.minPerSubscriber),
          maxPerSubscriber: Math.max(sum.maxPerSubscriber, t.maxPerSubscriber),
          firstIngestedAt: first.length ? Math.min(...first) : null,
          lastIngestedAt: last.length ? Math.max(...last) : null,
        };
      }
    }
    return {
      latency: summarize(mergeHistograms(replies.map((r) => r.histogram))),
      warmupLatency: summarize(mergeHistograms(replies.map((r) => r.warmupHistogram))),
      topics,
      errors: replies.reduce((a, r) => a + r.errors, 0),
      ended: replies.reduce((a, r) => a + r.ended, 0),
      firstError: replies.find((r) => r.firstError)?.firstError ?? null,
      loadRssBytes: replies.reduce((a, r) => a + r.rssBytes, 0),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.close()));
  }
}
