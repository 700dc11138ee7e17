import { validateRule } from "@tweetream/text";
import type { QueryResolvers } from "../generated/graphql.ts";
import type { ClassifiedPost } from "@tweetream/shared";
import { postFilter, type PostPage } from "../hub/index.ts";
import {
  checkCursor,
  checkPageSize,
  checkStatsRange,
  checkStatsWindow,
  checkTimeRange,
  labelFilter,
  requireLiveTopic,
  sourceFilter,
} from "./arguments.ts";
import { badUserInput, historyError } from "./errors.ts";
import { rulePreview, startPreview } from "./rule-preview.ts";
import { topicStats } from "./topic-stats.ts";

export const queryResolvers: QueryResolvers = {
  topics: (_parent, _args, { services }) => services.topics.list(),

  topic: async (_parent, { slug }, { services }) => (await services.topics.get(slug)) ?? null,

  tweets: async (
    _parent,
    { topic, labels, sources, first, after, from, to, last, before },
    { services },
  ) => {
    const size = checkPageSize(
      last ?? first,
      last === null || last === undefined ? "first" : "last",
    );
    const older = checkCursor(after);
    const newer = checkCursor(before, "before");
    if (older && newer) throw badUserInput("before", "give after or before, not both");
    const range = checkTimeRange(from, to);
    await requireLiveTopic(services, topic);
    const filter = { labels: labelFilter(labels), sources: sourceFilter(sources) };
    const logFilter = {
      filter: postFilter(filter),
      hidden: (post: ClassifiedPost) => services.hub.isDeleted(post),
    };
    const fromLog = (page: Promise<PostPage>) =>
      page.catch((error: unknown) => {
        throw historyError(error);
      });
    if (typeof last === "number" || newer) {
      // Backward: toward newer posts, from the Kafka log (which has them all).
      return fromLog(
        services.history.pageBackward(topic, {
          ...range,
          ...logFilter,
          last: size,
          after: newer?.position,
        }),
      );
    }
    if (range) {
      return fromLog(
        services.history.page(topic, {
          ...range,
          ...logFilter,
          first: size,
          before: older?.position,
        }),
      );
    }
    return services.hub.history(topic, {
      first: size,
      ...filter,
      ...(older === undefined ? {} : { after: older.cursor }),
    });
  },

  topicStats: async (_parent, { topic, window, from, to, bucket }, { services }) => {
    const minutes = checkStatsWindow(window);
    const range = checkStatsRange(from, to, bucket);
    await requireLiveTopic(services, topic);
    if (!range) return topicStats(services, topic, minutes);
    const counts = await services.counts.range(topic, range);
    return { topic, window: (counts.to - counts.from) / 60_000, ...counts };
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
