import type { ClassifiedPost } from "@tweetream/shared";
import type { SubscriptionResolvers } from "../generated/graphql.ts";
import { partitionRanges } from "../history/index.ts";
import {
  checkCursor,
  checkStatsWindow,
  labelFilter,
  requireLiveTopic,
  sourceFilter,
} from "./arguments.ts";
import { badUserInput, historyError } from "./errors.ts";
import type { TopicChangeMapper, TopicStatsMapper } from "./mappers.ts";
import type { RulePreview } from "../generated/graphql.ts";
import { rulePreview, startPreview } from "./rule-preview.ts";
import { PushIterator } from "./push-iterator.ts";
import { sharedTopicStats } from "./topic-stats.ts";
import { PostFeed } from "./post-feed.ts";

/** How often `topicStats` sends a fresh figure. */
export const STATS_INTERVAL_MS = 1000;

export const subscriptionResolvers: SubscriptionResolvers = {
  tweetAdded: {
    // Started, and its posts written, by the execution layer (post-feed.ts).
    subscribe: async (_parent, { topic, labels, sources, after, from }, { services }) => {
      const cursor = checkCursor(after)?.cursor;
      if (from && cursor !== undefined) {
        throw badUserInput("from", "give after (resume) or from (replay), not both");
      }
      await requireLiveTopic(services, topic);
      const ranges = from
        ? await partitionRanges(services.log, services.log.topicOf(topic), {
            from: from.getTime(),
          }).catch((error: unknown) => {
            throw historyError(error);
          })
        : undefined;
      return new PostFeed(services.hub, topic, {
        after: cursor,
        labels: labelFilter(labels),
        sources: sourceFilter(sources),
        ...(ranges && {
          replay: {
            ranges,
            source: services.log,
            coverage: (slug: string) => services.hub.coverage(slug),
            hidden: (post: ClassifiedPost) => services.hub.isDeleted(post),
            ratePerSecond: services.replayRate,
            budget: services.replayBudget,
          },
        }),
      });
    },
  },

  tweetDeleted: {
    subscribe: async (_parent, { topic }, { services }) => {
      await requireLiveTopic(services, topic);
      const stream = new PushIterator<{
        tweetDeleted: { id: string; topic: string; editedAt: string | null };
      }>({
        onDrop: () => services.onSubscriberDropped?.("tweetDeleted"),
      });
      stream.onClose(
        services.hub.onDeleted(topic, (id, editedAt) => {
          stream.push({ tweetDeleted: { id, topic, editedAt: editedAt ?? null } });
        }),
      );
      stream.onClose(
        services.live.onChange((change) => {
          if (change.slug === topic && change.kind === "DELETED") stream.end();
        }),
      );
      return stream;
    },
  },

  topicStats: {
    subscribe: async (_parent, { topic, window }, { services }) => {
      const minutes = checkStatsWindow(window);
      await requireLiveTopic(services, topic);
      // A slow reader only ever needs the latest figure.
      const stream = new PushIterator<{ topicStats: TopicStatsMapper }>({ maxBuffered: 1 });
      stream.onClose(
        sharedTopicStats(services.hub, STATS_INTERVAL_MS).subscribe(topic, minutes, (stats) => {
          if (services.live.has(topic)) stream.push({ topicStats: stats });
          else stream.end();
        }),
      );
      stream.onClose(
        services.live.onChange((change) => {
          if (change.slug === topic && change.kind === "DELETED") stream.end();
        }),
      );
      return stream;
    },
  },

  previewRule: {
    // Errors of the arguments, the caller or the range end the subscription
    // before it starts; then partial figures, the final one, and the end.
    subscribe: async (_parent, args, context) => {
      // A slow reader only needs the latest figures; the final one is pushed last.
      const stream = new PushIterator<{ previewRule: RulePreview }>({ maxBuffered: 1 });
      const abort = new AbortController();
      const { run, release } = await startPreview(
        context,
        args,
        (partial) => {
          stream.push({ previewRule: rulePreview(partial) });
        },
        abort.signal,
      );
      stream.onClose(() => {
        abort.abort();
      });
      run()
        .then((result) => {
          stream.push({ previewRule: rulePreview(result) });
        })
        .catch((error: unknown) => {
          if (!abort.signal.aborted) context.logger.error({ err: error }, "rule preview failed");
        })
        .finally(() => {
          release();
          stream.end();
        });
      return stream;
    },
  },

  topicsChanged: {
    subscribe: (_parent, _args, { services }) => {
      const stream = new PushIterator<{ topicsChanged: TopicChangeMapper }>({
        onDrop: () => services.onSubscriberDropped?.("topicsChanged"),
      });
      stream.onClose(
        services.live.onChange((change) => {
          stream.push({ topicsChanged: change });
        }),
      );
      return stream;
    },
  },
};
