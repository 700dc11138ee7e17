import type { GatewayServices } from "./gateway-services.ts";
import type { TopicStatsMapper } from "./mappers.ts";

const MINUTE_MS = 60_000;

/** The hub's per-minute counts of `slug` over the last `window` minutes, as a TopicStats. */
export function topicStats(
  services: { hub: StatsHub },
  slug: string,
  window: number,
  now?: number,
): TopicStatsMapper {
  const { buckets, totals } = services.hub.stats(slug, window, now);
  const from = buckets[0]?.minute ?? 0;
  const to = (buckets.at(-1)?.minute ?? from) + MINUTE_MS;
  return { topic: slug, window, from, to, bucket: "MINUTE", buckets, totals };
}

/** What the stats need of the hub. */
type StatsHub = Pick<GatewayServices["hub"], "stats">;
type StatsListener = (stats: TopicStatsMapper) => void;

/**
 * topicStats figures, computed once per tick for each (topic, window) that has
 * subscribers and shared by all of them: a thousand dashboards on one topic
 * cost one pass over its minute buckets a second, not a thousand.
 */
export class SharedTopicStats {
  readonly #feeds = new Map<
    string,
    { listeners: Set<StatsListener>; latest: TopicStatsMapper; timer: NodeJS.Timeout }
  >();

  constructor(
    private readonly hub: StatsHub,
    private readonly intervalMs: number,
  ) {}

  /** Feeds (topic, window) so far: one computation each per tick (tests, metrics). */
  get feeds(): number {
    return this.#feeds.size;
  }

  /**
   * Calls `listener` with the latest figure now and with a fresh one every
   * tick, until the returned function is called.
   */
  subscribe(slug: string, window: number, listener: StatsListener): () => void {
    const key = `${slug} ${window}`;
    let feed = this.#feeds.get(key);
    if (!feed) {
      const listeners = new Set<StatsListener>();
      const created = {
        listeners,
        latest: topicStats({ hub: this.hub }, slug, window),
        timer: setInterval(() => {
          created.latest = topicStats({ hub: this.hub }, slug, window);
          for (const each of [...listeners]) each(created.latest);
        }, this.intervalMs),
      };
      feed = created;
      this.#feeds.set(key, feed);
    }
    const joined = feed;
    joined.listeners.add(listener);
    listener(joined.latest);
    return () => {
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0 && this.#feeds.get(key) === joined) {
        clearInterval(joined.timer);
        this.#feeds.delete(key);
      }
    };
  }
}

const shared = new WeakMap<StatsHub, SharedTopicStats>();

/** The process's SharedTopicStats for `hub` (one per hub). */
export function sharedTopicStats(hub: StatsHub, intervalMs: number): SharedTopicStats {
  let stats = shared.get(hub);
  if (!stats) {
    stats = new SharedTopicStats(hub, intervalMs);
    shared.set(hub, stats);
  }
  return stats;
}
