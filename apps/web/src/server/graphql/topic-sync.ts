// The web process's catalogue follower: it rebuilds the topic list from the
// control topic, starts the hub on it, then feeds every change to the hub
// (`setTopics`), to LiveTopics and so to `topicsChanged` subscribers.
import {
  followCatalogue,
  type CatalogueFollower,
  type ControlEvent,
  type DeadLetterReason,
  type KafkaClient,
  type Logger,
  type TopicUpserted,
} from "@tweetream/shared";
import type { PostHub } from "../hub/index.ts";
import type { TopicAdmin, TopicRecord } from "../topics/index.ts";
import type { LiveTopics } from "./live-topics.ts";
import type { TopicChangeMapper } from "./mappers.ts";

export interface TopicSyncOptions {
  kafka: KafkaClient;
  logger: Logger;
  hub: Pick<PostHub, "start" | "setTopics">;
  topics: Pick<TopicAdmin, "get">;
  live: LiveTopics;
  /** Called for each malformed control record set aside (metrics). */
  onDeadLetter?: (reason: DeadLetterReason) => void;
}

/**
 * Follows the catalogue, waits until it is loaded, starts the hub with the
 * current topics and keeps both in step from then on. `stop()` stops the
 * follower (the hub is stopped by its owner).
 */
export async function startTopicSync(options: TopicSyncOptions): Promise<CatalogueFollower> {
  const { hub, live, logger } = options;
  let hubStarted: Promise<void> | undefined;
  // LiveTopics (and so `topicsChanged`) is told of each change in order, once
  // the hub serves it.
  let announced: Promise<void> = Promise.resolve();

  const onChange = async (event: ControlEvent, current: ReadonlyMap<string, TopicUpserted>) => {
    // Before the hub starts, it will be started with the follower's map as it
    // is then; afterwards each change is applied in order.
    if (hubStarted === undefined) return;
    await hubStarted;
    const slugs = new Set(current.keys());
    // Not awaited: the hub takes the change at once (a removed topic's
    // subscribers end now) and applies a burst of changes in one consumer
    // restart. Waiting here would hold the follower for a restart per record,
    // so a deletion's tombstone would reach the hub only after the grace
    // period, when the hub may read the offsets of a topic that is gone.
    const applied = hub.setTopics(slugs).catch((error: unknown) => {
      // The hub retries a failed change by itself; the catalogue moves on.
      logger.warn({ err: error, slug: event.slug }, "the hub could not apply a topic change yet");
    });
    announced = announced
      .then(async () => {
        await applied;
        const change = await describe(event, live.has(event.slug), options.topics, logger);
        live.update(slugs, change);
      })
      .catch((error: unknown) => {
        logger.warn({ err: error, slug: event.slug }, "could not announce a topic change");
      });
  };

  const follower = await followCatalogue({
    kafka: options.kafka,
    logger,
    service: "web",
    onChange,
    onDeadLetter: options.onDeadLetter,
  });
  try {
    await follower.ready;
    const slugs = new Set(follower.topics.keys());
    hubStarted = hub.start(slugs);
    await hubStarted;
    live.update(slugs);
  } catch (error) {
    await follower.stop().catch((stopError: unknown) => {
      logger.warn({ err: stopError }, "could not stop the catalogue follower");
    });
    throw error;
  }
  return follower;
}

async function describe(
  event: ControlEvent,
  wasLive: boolean,
  topics: Pick<TopicAdmin, "get">,
  logger: Logger,
): Promise<TopicChangeMapper> {
  if (event.type === "topic.deleted") return { kind: "DELETED", slug: event.slug, topic: null };
  let topic: TopicRecord | undefined;
  try {
    topic = await topics.get(event.slug);
  } catch (error) {
    logger.warn(
      { err: error, slug: event.slug },
      "could not read a changed topic; using the event",
    );
  }
  return {
    kind: wasLive ? "UPDATED" : "CREATED",
    slug: event.slug,
    topic: topic ?? fromEvent(event.topic),
  };
}

// The catalogue row is the fuller record, but the control event carries what
// subscribers need when the row cannot be read (or is already gone again).
function fromEvent(topic: TopicUpserted): TopicRecord {
  const updatedAt = new Date(topic.updatedAt);
  return {
    slug: topic.slug,
    name: topic.name,
    rule: topic.rule,
    description: topic.description,
    status: "ACTIVE",
    createdAt: updatedAt,
    updatedAt,
  };
}
