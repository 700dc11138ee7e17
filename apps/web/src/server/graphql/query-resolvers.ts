import { validateRule } from "@tweetream/text";
import type { QueryResolvers } from "../generated/graphql.ts";
import { decodeCursor, postFilter } from "../hub/index.ts";
import {
  checkCursor,
  checkPageSize,
  checkStatsWindow,
  checkTimeRange,
  labelFilter,
  requireLiveTopic,
  sourceFilter,
} from "./arguments.ts";
import { historyError } from "./errors.ts";
import { rulePreview, startPreview } from "./rule-preview.ts";
import { topicStats } from "./topic-stats.ts";

export const queryResolvers: QueryResolvers = {
  topics: (_parent, _args, { services }) => services.topics.list(),

  topic: async (_parent, { slug }, { services }) => (await services.topics.get(slug)) ?? null,

  tweets: async (_parent, { topic, labels, sources, first, after, from, to }, { services }) => {
    const size = checkPageSize(first);
    const cursor = checkCursor(after);
    const range = checkTimeRange(from, to);
    await requireLiveTopic(services, topic);
    const filter = { labels: labelFilter(labels), sources: sourceFilter(sources) };
    if (range) {
      const before = cursor === undefined ? undefined : decodeCursor(cursor);
      return services.history
        .page(topic, {
          ...range,
          first: size,
          filter: postFilter(filter),
          before: before?.kind === "position" ? before.position : undefined,
          hidden: (post) => services.hub.isDeleted(post),
        })
        .catch((error: unknown) => {
          throw historyError(error);
        });
    }
    return services.hub.history(topic, {
      first: size,
      ...filter,
      ...(cursor === undefined ? {} : { after: cursor }),
    });
  },

  topicStats: async (_parent, { topic, window }, { services }) => {
    const minutes = checkStatsWindow(window);
    await requireLiveTopic(services, topic);
    return topicStats(services, topic, minutes);
  },

  previewRule: async (_parent, args, context) => {
    const { run, release } = await startPreview(context, args);
    try {
      return rulePreview(await run());
    } finally {
      release();
    }
  },

  validateRule: (_parent, { rule }) => {
    const result = validateRule(rule);
    return result.ok
      ? { ok: true, position: null, message: null }
      : { ok: false, position: result.position, message: result.message };
  },
};
