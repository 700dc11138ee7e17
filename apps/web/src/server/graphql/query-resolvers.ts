import { validateRule } from "@tweetream/text";
import type { QueryResolvers } from "../generated/graphql.ts";
import {
  checkCursor,
  checkPageSize,
  checkStatsWindow,
  labelFilter,
  requireLiveTopic,
  sourceFilter,
} from "./arguments.ts";
import { topicStats } from "./topic-stats.ts";

export const queryResolvers: QueryResolvers = {
  topics: (_parent, _args, { services }) => services.topics.list(),

  topic: async (_parent, { slug }, { services }) => (await services.topics.get(slug)) ?? null,

  tweets: async (_parent, { topic, labels, sources, first, after }, { services }) => {
    const size = checkPageSize(first);
    const cursor = checkCursor(after);
    await requireLiveTopic(services, topic);
    return services.hub.history(topic, {
      first: size,
      labels: labelFilter(labels),
      sources: sourceFilter(sources),
      ...(cursor === undefined ? {} : { after: cursor }),
    });
  },

  topicStats: async (_parent, { topic, window }, { services }) => {
    const minutes = checkStatsWindow(window);
    await requireLiveTopic(services, topic);
    return topicStats(services, topic, minutes);
  },

  validateRule: (_parent, { rule }) => {
    const result = validateRule(rule);
    return result.ok
      ? { ok: true, position: null, message: null }
      : { ok: false, position: result.position, message: result.message };
  },
};
