import { randomBytes } from "node:crypto";
import type { KafkaClient } from "./kafka/index.ts";
import type { Logger } from "./logger.ts";
import type { DeadLetterReason } from "./messages/dead-letter.ts";
import { decodeControlEvent, type ControlEvent, type TopicUpserted } from "./messages/control.ts";

/** The topic catalogue as rebuilt from the compacted control topic. */
export interface CatalogueFollower {
  /** Current topics by slug. */
  readonly topics: ReadonlyMap<string, TopicUpserted>;
  /** Resolves once every record that existed at start has been applied. */
  readonly ready: Promise<void>;
  /** True once `ready` has resolved. */
  readonly isReady: boolean;
  stop(): Promise<void>;
}

/**
 * Follows the control topic from its beginning, so a service rebuilds the
 * whole catalogue from Kafka alone, then applies every change as it comes.
 * Each follower has a consumer group of its own (deleted on stop): every
 * process must see every change, not a share of them.
 */
export async function followCatalogue(options: {
  kafka: KafkaClient;
  logger: Logger;
  /** Name of the service, used in the group id. */
  service: string;
  /** Called for each control record set aside as malformed (metrics). */
  onDeadLetter?: (reason: DeadLetterReason) => void;
  /** Called after each change is applied (the map already reflects it). */
  onChange?: (
    event: ControlEvent,
    topics: ReadonlyMap<string, TopicUpserted>,
  ) => void | Promise<void>;
}): Promise<CatalogueFollower> {
  const { kafka, logger } = options;
  const topics = new Map<string, TopicUpserted>();
  const control = kafka.topics.control;

  // Caught up when every partition's applied offset reaches the end it had at start.
  const pending = new Map<number, bigint>();
  for (const { partition, offset } of await kafka.endOffsets(control)) {
    if (BigInt(offset) > 0n) pending.set(partition, BigInt(offset));
  }
  let isReady = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = () => {
      if (isReady) return;
      isReady = true;
      logger.info({ topics: topics.size }, "catalogue loaded from the control topic");
      resolve();
    };
  });
  if (pending.size === 0) markReady();

  const consumer = await kafka.startConsumer({
    groupId: `${kafka.topics.prefix}.${options.service}.catalogue.${randomBytes(6).toString("hex")}`,
    topics: [control],
    fromBeginning: true,
    deleteGroupOnStop: true,
    decode: decodeControlEvent,
    onDeadLetter: options.onDeadLetter,
    onBatch: async (records) => {
      for (const { value: event } of records) {
        if (event.type === "topic.upserted") topics.set(event.slug, event.topic);
        else topics.delete(event.slug);
        await options.onChange?.(event, topics);
      }
    },
    onProgress: ({ partition, offset }) => {
      const end = pending.get(partition);
      if (end !== undefined && BigInt(offset) + 1n >= end) pending.delete(partition);
      if (pending.size === 0) markReady();
    },
  });

  return {
    topics,
    ready,
    get isReady() {
      return isReady;
    },
    stop: () => consumer.stop(),
  };
}
