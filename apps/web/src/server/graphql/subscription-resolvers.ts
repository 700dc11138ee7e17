import type { PostLabel } from "@tweetream/shared";
import type { SubscriptionResolvers } from "../generated/graphql.ts";
import { checkCursor, checkStatsWindow, labelFilter, requireLiveTopic } from "./arguments.ts";
import type { HubItem, TopicChangeModel, TopicStatsModel } from "./model.ts";
import { PushIterator } from "./push-iterator.ts";
import { topicStats } from "./topic-stats.ts";

/** How often `topicStats` sends a fresh figure. */
/**
 * Posts one `tweetAdded` subscription may have waiting before the oldest is
 * dropped. The hub hands a whole Kafka batch to every subscriber in one go, and
 * at 6,000 posts/s one batch can hold more than 1,000 posts of a topic: with
 * 1,000 here, 335 posts were dropped in 60 s (`npm run bench -- --scenario
 * throughput --rates 6000`) although the reader kept up. The buffer holds
 * references to post objects every subscriber shares.
 */
const TWEETS_BUFFERED_PER_SUBSCRIPTION = 10_000;

export const STATS_INTERVAL_MS = 1000;

const keep = (labels: readonly PostLabel[] | undefined) =>
  labels === undefined ? () => true : (item: HubItem) => labels.includes(item.post.label);

export const subscriptionResolvers: SubscriptionResolvers = {
  tweetAdded: {
    subscribe: async (_parent, { topic, labels, after }, { services }) => {
      const cursor = checkCursor(after);
      await requireLiveTopic(services, topic);
      const wanted = labelFilter(labels);
      const matches = keep(wanted);
      const stream = new PushIterator<{ tweetAdded: HubItem }>({
        maxBuffered: TWEETS_BUFFERED_PER_SUBSCRIPTION,
        onDrop: () => services.onSubscriberDropped?.("tweetAdded"),
      });
      // Subscribing and reading the missed posts happen in the same tick, so
      // no post falls between them or arrives twice.
      const unsubscribe = services.hub.subscribe(
        topic,
        (item) => {
          if (matches(item)) stream.push({ tweetAdded: item });
        },
        () => {
          stream.end();
        },
      );
      stream.onClose(unsubscribe);
      if (cursor !== undefined) {
        for (const item of services.hub.since(topic, cursor, wanted)) {
          stream.push({ tweetAdded: item });
        }
      }
      return stream;
    },
  },

  topicStats: {
    subscribe: async (_parent, { topic, window }, { services }) => {
      const minutes = checkStatsWindow(window);
      await requireLiveTopic(services, topic);
      // A slow reader only ever needs the latest figure.
      const stream = new PushIterator<{ topicStats: TopicStatsModel }>({ maxBuffered: 1 });
      const send = () => {
        if (services.live.has(topic))
          stream.push({ topicStats: topicStats(services, topic, minutes) });
        else stream.end();
      };
      send();
      const timer = setInterval(send, STATS_INTERVAL_MS);
      const stopListening = services.live.onChange((change) => {
        if (change.slug === topic && change.kind === "DELETED") stream.end();
      });
      stream.onClose(() => {
        clearInterval(timer);
        stopListening();
      });
      return stream;
    },
  },

  topicsChanged: {
    subscribe: (_parent, _args, { services }) => {
      const stream = new PushIterator<{ topicsChanged: TopicChangeModel }>({
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
