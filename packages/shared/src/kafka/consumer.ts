import type { Consumer as KafkaJsConsumer, EachBatchPayload, Kafka } from "kafkajs";
import type { Logger } from "../logger.ts";
import type { DeadLetterReason } from "../messages/dead-letter.ts";
import { deadLetter, decodeBatch, handleRecords, type DeadLetterSink } from "./consumer-batch.ts";
import type { Producer } from "./producer.ts";
import type { ConsumedRecord, PartitionOffset, RawRecord } from "./records.ts";
import {
  CLIENT_RETRY,
  MAX_RESTART_DELAY_MS,
  METADATA_MAX_AGE_MS,
  SESSION_TIMEOUT_MS,
} from "./settings.ts";

export interface ConsumerOptions<T> {
  groupId: string;
  topics: readonly (string | RegExp)[];
  /** Turns a raw record into a value; throw InvalidMessageError to dead-letter it. */
  decode: (record: RawRecord) => T;
  /**
   * Handles decoded records in order. Offsets are committed only after it
   * resolves. A retriable error retries the batch; a non-retriable one retries
   * record by record and dead-letters the records that still fail. Long
   * handlers call `heartbeat()` between steps so the group does not evict them.
   */
  onBatch: (records: ConsumedRecord<T>[], context: BatchContext) => Promise<void>;
  /** Start from the earliest offset when the group has none (default false: latest). */
  fromBeginning?: boolean;
  /**
   * Positions to start these partitions at, overriding committed offsets (default none).
   * Each is sought when the group assigns the partition, until a batch of that
   * partition has been handled; meant for groups private to one process.
   */
  startOffsets?: readonly PartitionOffset[];
  /**
   * Delete the consumer group when stopping (default false). For groups
   * private to one process, such as a catalogue follower's, so none is left behind.
   */
  deleteGroupOnStop?: boolean;
  /**
   * Commit offsets to the group (default true). False for groups private to
   * one process that choose their own start (`startOffsets`): each commit is a
   * round trip per partition batch, and a busy process waits for it before the
   * next batch. The position after the last handled batch is then kept in
   * memory, and a restarted consumer resumes there.
   */
  commitOffsets?: boolean;
  /** Called for each record sent to the dead-letter topic (e.g. to count it in metrics). */
  onDeadLetter?: (reason: DeadLetterReason) => void;
  /** Called when the kafkajs consumer crashed (it is restarted after a pause). */
  onCrash?: (error: unknown) => void;
  /** Called once a crashed consumer runs again. */
  onRestart?: () => void;
  /** Called after each batch with the partition's progress (e.g. to know it caught up). */
  onProgress?: (progress: {
    topic: string;
    partition: number;
    offset: string;
    highWatermark: string;
  }) => void;
}

export interface BatchContext {
  /** Tells the group coordinator this member is alive; cheap when not due. */
  heartbeat: () => Promise<void>;
}

/** A running consumer group member. */
export interface Consumer {
  /** Finishes the batch in hand, commits, and leaves the group. Idempotent. */
  stop(): Promise<void>;
}

/** What a consumer takes from its KafkaClient. */
export interface ConsumerContext {
  kafka: Kafka;
  logger: Logger;
  deadLetterTopic: string;
  /** Connects the producer for dead letters. */
  createProducer: () => Promise<Producer>;
  deleteGroup: (groupId: string) => Promise<void>;
}

/** Joins a consumer group and runs `options.onBatch` until stopped; see `KafkaClient.startConsumer`. */
export async function startConsumer<T>(
  context: ConsumerContext,
  options: ConsumerOptions<T>,
): Promise<Consumer> {
  const deadLetters = await context.createProducer();
  const member = new GroupMember(context, options, deadLetters);
  await member.start();
  return { stop: () => member.stop() };
}

/**
 * Positions to seek partitions to. Each is sought again after every join (a
 * crash restart or rebalance forgets pending seeks) until the partition has
 * delivered a batch from its new position; without commits, the position
 * after each batch takes its place instead.
 */
class PendingSeeks {
  readonly #seeks: Map<string, PartitionOffset>;

  constructor(start: readonly PartitionOffset[]) {
    this.#seeks = new Map(start.map((s) => [PendingSeeks.#key(s), s] as const));
  }

  static #key({ topic, partition }: { topic: string; partition: number }): string {
    return `${partition}:${topic}`;
  }

  /** The partition delivered a batch from its sought position. */
  reached(partition: { topic: string; partition: number }): void {
    this.#seeks.delete(PendingSeeks.#key(partition));
  }

  /** Seek there after the next join. */
  set(position: PartitionOffset): void {
    this.#seeks.set(PendingSeeks.#key(position), position);
  }

  seekAll(consumer: KafkaJsConsumer): void {
    for (const seek of this.#seeks.values()) consumer.seek(seek);
  }
}

/**
 * One member of a consumer group, through a kafkajs consumer that is replaced
 * whenever it crashes.
 *
 * Every crash restarts through here, not through kafkajs' own restart (which
 * it skips for non-retriable errors, and which has left consumers dead): a new
 * consumer after a pause growing from 1 s to 10 s, retried until it runs again
 * or the member is stopped.
 */
class GroupMember<T> {
  readonly #kafka: Kafka;
  readonly #options: ConsumerOptions<T>;
  readonly #logger: Logger;
  readonly #deadLetters: DeadLetterSink;
  readonly #deleteGroup: (groupId: string) => Promise<void>;
  readonly #commitOffsets: boolean;
  readonly #seeks: PendingSeeks;
  #current: KafkaJsConsumer | undefined;
  #stopping: Promise<void> | undefined;
  #crashes = 0;

  constructor(context: ConsumerContext, options: ConsumerOptions<T>, deadLetters: Producer) {
    this.#kafka = context.kafka;
    this.#options = options;
    this.#logger = context.logger.child({ group: options.groupId });
    this.#deadLetters = {
      producer: deadLetters,
      topic: context.deadLetterTopic,
      group: options.groupId,
      logger: this.#logger,
      onDeadLetter: options.onDeadLetter,
    };
    this.#deleteGroup = context.deleteGroup;
    this.#commitOffsets = options.commitOffsets ?? true;
    this.#seeks = new PendingSeeks(options.startOffsets ?? []);
  }

  async start(): Promise<void> {
    this.#current = await this.#launch();
  }

  /** Finishes the batch in hand, leaves the group, then closes what the member opened. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#current?.disconnect();
      await this.#deadLetters.producer.disconnect();
      if (this.#options.deleteGroupOnStop) {
        await this.#deleteGroup(this.#options.groupId).catch((error: unknown) => {
          this.#logger.warn({ err: error }, "could not delete consumer group");
        });
      }
    })();
    return this.#stopping;
  }

  /** A new kafkajs consumer, connected, subscribed and running. */
  async #launch(): Promise<KafkaJsConsumer> {
    const consumer = this.#newConsumer();
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...this.#options.topics],
        fromBeginning: this.#options.fromBeginning,
      });
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommit: this.#commitOffsets,
        eachBatch: (payload) => this.#eachBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return consumer;
  }

  #newConsumer(): KafkaJsConsumer {
    const consumer = this.#kafka.consumer({
      groupId: this.#options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 1000,
      // Only bounds how long an idle fetch waits (new data is returned at once);
      // shorter makes stop() quicker.
      maxWaitTimeInMs: 1000,
      metadataMaxAge: METADATA_MAX_AGE_MS,
      retry: { ...CLIENT_RETRY, restartOnFailure: () => Promise.resolve(false) },
    });
    this.#current = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.#stopping) return;
      this.#logger.error({ err: payload.error }, "consumer crashed");
      this.#options.onCrash?.(payload.error);
      this.#restart(consumer);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.#seeks.seekAll(consumer);
    });
    return consumer;
  }

  /** Replaces `crashed` by a new consumer after a pause, trying again until one runs. */
  #restart(crashed: KafkaJsConsumer): void {
    this.#crashes++;
    const delayMs = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** Math.min(this.#crashes - 1, 4));
    setTimeout(() => {
      if (this.#stopping) return;
      this.#logger.warn({ crashes: this.#crashes, delayMs }, "restarting the crashed consumer");
      void crashed
        .disconnect()
        .catch(() => undefined)
        .then(() => this.#launch())
        .then(
          async (next) => {
            if (this.#stopping) {
              await next.disconnect();
              return;
            }
            this.#current = next;
            this.#options.onRestart?.();
          },
          (error: unknown) => {
            this.#logger.error({ err: error }, "could not restart the consumer; trying again");
            this.#restart(crashed);
          },
        );
    }, delayMs).unref();
  }

  /** Decodes and handles one batch, dead-letters what fails for good, then moves past it. */
  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length > 0 && this.#commitOffsets) this.#seeks.reached(batch);
    const { decoded, rejected } = decodeBatch(batch, this.#options.decode);
    const context: BatchContext = { heartbeat: () => payload.heartbeat() };
    rejected.push(...(await handleRecords(decoded, (r) => this.#options.onBatch(r, context))));
    if (rejected.length > 0) await deadLetter(rejected, this.#deadLetters, batch);
    const last = batch.messages.at(-1);
    if (last) payload.resolveOffset(last.offset);
    if (this.#commitOffsets) await payload.commitOffsetsIfNecessary();
    else if (last) {
      const { topic, partition } = batch;
      this.#seeks.set({ topic, partition, offset: (BigInt(last.offset) + 1n).toString() });
    }
    await payload.heartbeat();
    this.#crashes = 0;
    if (last) {
      this.#options.onProgress?.({
        topic: batch.topic,
        partition: batch.partition,
        offset: last.offset,
        highWatermark: batch.highWatermark,
      });
    }
  }
}
