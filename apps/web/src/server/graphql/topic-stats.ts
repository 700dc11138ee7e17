import type { GatewayServices } from "./gateway-services.ts";
import type { TopicStatsModel } from "./model.ts";

/** The hub's per-minute counts of `slug` over the last `window` minutes, as a TopicStats. */
export function topicStats(
  services: Pick<GatewayServices, "hub">,
  slug: string,
  window: number,
  now?: number,
): TopicStatsModel {
  const { buckets, totals } = services.hub.stats(slug, window, now);
  return { topic: slug, window, buckets, totals };
}
