import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from "kafkajs";
import type { Logger } from "../logger.ts";
import type { TopicNames } from "../topics.ts";
import {
  AdminQueue,
  describeGroup,
  deleteTopics,
  endOffsets,
  ensureTopics,
  offsetRanges,
  offsetsAtTime,
  partitionCount,
  topicPartitions,
  type TopicSpec,
} from "./admin.ts";
import { startConsumer, type Consumer, type ConsumerOptions } from "./consumer.ts";
import { LogReader } from "./log-reader.ts";
import { connectProducer, PartitionCache, type Producer } from "./producer.ts";
import { CLIENT_RETRY, REQUEST_TIMEOUT_MS } from "./settings.ts";
import { framedSocketFactory } from "./socket.ts";

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** The deployment's topic names; dead letters go to `topics.deadLetter`. */
  topics: TopicNames;
}

/** Creates the Kafka client for one service. */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  return new KafkaClient(options);
}

const toPinoLevel = {
  [KafkaLogLevel.NOTHING]: "silent",
  [KafkaLogLevel.ERROR]: "error",
  [KafkaLogLevel.WARN]: "warn",
  [KafkaLogLevel.INFO]: "info",
  [KafkaLogLevel.DEBUG]: "debug",
} as const;

/**
 * One service's connection to Kafka: its producers, consumers and admin
 * operations. Admin operations run one at a time (see admin.ts for why), so
 * callers may run them concurrently.
 */
export class KafkaClient {
  readonly #kafka: Kafka;
  readonly #logger: Logger;
  readonly #clientId: string;
  readonly #topics: TopicNames;
  readonly #admin: AdminQueue;
  readonly #partitions: PartitionCache;
  readonly #closers = new Set<() => Promise<void>>();

  constructor({ brokers, clientId, logger, topics }: KafkaClientOptions) {
    this.#logger = logger.child({ component: "kafka" });
    this.#clientId = clientId;
    this.#topics = topics;
    const kafkaLogger = this.#logger;
    this.#kafka = new Kafka({
      clientId,
      brokers: [...brokers],
      connectionTimeout: 3000,
      // One buffer per response, read into directly (socket.ts).
      socketFactory: framedSocketFactory,
      // A frozen broker (sockets open, no answers) holds a request this long
      // before the client tries elsewhere; kafkajs' 30 s would outlast a failover.
      requestTimeout: REQUEST_TIMEOUT_MS,
      retry: CLIENT_RETRY,
      logLevel: KafkaLogLevel.WARN,
      logCreator:
        () =>
        ({ namespace, level, log }: LogEntry) => {
          // kafkajs puts its own timestamp and logger name in `log`; pino has both.
          const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
          const pinoLevel = toPinoLevel[level];
          if (pinoLevel !== "silent") kafkaLogger[pinoLevel]({ namespace, ...extra }, message);
        },
    });
    this.#admin = new AdminQueue(this.#kafka);
    this.#partitions = new PartitionCache((topic) =>
      this.#admin.run((admin) => topicPartitions(admin, topic)),
    );
  }

  /** The deployment's topic names. */
  get topics(): TopicNames {
    return this.#topics;
  }

  /** Resolves when the cluster answers a metadata request; for readiness checks. */
  ping(): Promise<{ brokers: number; controller: number | null }> {
    return this.#admin.runNow(async (admin) => {
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    });
  }

  /**
   * Creates each topic that does not exist yet and waits until every partition
   * of the requested topics has a leader; returns the names it created. Safe
   * to run from several processes at once.
   */
  ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    return this.#admin.run((admin) => ensureTopics(admin, this.#logger, specs));
  }

  /** Deletes the named topics; names that do not exist are ignored. */
  deleteTopics(names: readonly string[]): Promise<void> {
    return this.#admin.run((admin) => deleteTopics(admin, names));
  }

  /** Names of every topic in the cluster. */
  listTopics(): Promise<string[]> {
    return this.#admin.run((admin) => admin.listTopics());
  }

  /** Partition count of a topic, or undefined if it does not exist. */
  partitionCount(topic: string): Promise<number | undefined> {
    return this.#admin.run((admin) => partitionCount(admin, topic));
  }

  /** The next offset to be written in each partition of `topic` (its high watermark). */
  endOffsets(topic: string): Promise<{ partition: number; offset: string }[]> {
    return this.#admin.run((admin) => endOffsets(admin, topic));
  }

  /** Each partition's first kept offset (`low`) and next offset to be written (`high`), by partition. */
  offsetRanges(topic: string): Promise<{ partition: number; low: string; high: string }[]> {
    return this.#admin.run((admin) => offsetRanges(admin, topic));
  }

  /**
   * Each partition's first offset whose record timestamp is at or after
   * `timestamp` (epoch ms), or its high watermark when there is none.
   */
  offsetsAtTime(
    topic: string,
    timestamp: number,
  ): Promise<{ partition: number; offset: string }[]> {
    return this.#admin.run((admin) => offsetsAtTime(admin, topic, timestamp));
  }

  /**
   * Deletes every record of each partition below its offset, as retention
   * would (Kafka's DeleteRecords); for tests of expired history and for
   * operators who must drop data early.
   */
  deleteRecords(topic: string, partitions: { partition: number; offset: string }[]): Promise<void> {
    return this.#admin.run(async (admin) => {
      // kafkajs looks the leaders up in metadata it only has for topics it was asked about.
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions });
    });
  }

  /**
   * A consumer group's state and member ids (empty once every member has left),
   * and its committed offsets on `topic`; for operations and shutdown checks.
   */
  describeGroup(
    groupId: string,
    topic?: string,
  ): Promise<{
    state: string;
    members: string[];
    offsets: { partition: number; offset: string }[];
  }> {
    return this.#admin.run((admin) => describeGroup(admin, groupId, topic));
  }

  /**
   * Connects a producer (acks=all, one request in flight). By default it
   * retries until the broker acknowledges, and is idempotent; `maxRetries`
   * bounds that for sends that may target a topic deleted meanwhile (the caller
   * then decides, e.g. drops for a deleted topic), and the producer is then not
   * idempotent: a retry may write a record twice.
   */
  async createProducer(options: { maxRetries?: number } = {}): Promise<Producer> {
    const producer = await connectProducer(
      this.#kafka,
      (topic) => this.#partitions.get(topic),
      options,
    );
    const disconnect = this.#closeWithClient(() => producer.disconnect());
    return { send: (records) => producer.send(records), disconnect };
  }

  /**
   * Joins a consumer group and runs `onBatch` until stopped. Records that
   * cannot be decoded, or that fail with a non-retriable error, go to the
   * dead-letter topic with the reason in headers; consumption goes on.
   */
  async startConsumer<T>(options: ConsumerOptions<T>): Promise<Consumer> {
    const consumer = await startConsumer(
      {
        kafka: this.#kafka,
        logger: this.#logger,
        deadLetterTopic: this.#topics.deadLetter,
        createProducer: () => this.createProducer(),
        deleteGroup: (groupId) =>
          this.#admin.run(async (admin) => {
            await admin.deleteGroups([groupId]);
          }),
      },
      options,
    );
    return { stop: this.#closeWithClient(() => consumer.stop()) };
  }

  /**
   * A reader of partitions at chosen offsets, without a consumer group (for
   * history: pages of a time range, exports, replays). Make one per process
   * and share it: it holds one connection per broker, opened on its first
   * read, and closes with this client.
   */
  logReader(): LogReader {
    const reader = new LogReader(this.#kafka);
    this.#closeWithClient(() => reader.close());
    return reader;
  }

  /** Stops every consumer and producer this client made, then the admin client. */
  async close(): Promise<void> {
    const closers = [...this.#closers];
    this.#closers.clear();
    const results = await Promise.allSettled(closers.map((close) => close()));
    results.push(...(await Promise.allSettled([this.#admin.close()])));
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length > 0) {
      throw new AggregateError(
        failed.map((r) => r.reason as unknown),
        `${this.#clientId}: ${failed.length} Kafka connection(s) failed to close`,
      );
    }
  }

  /** Has `close` run by `close()` unless it ran before; returns `close`, no longer closed with the client. */
  #closeWithClient(close: () => Promise<void>): () => Promise<void> {
    this.#closers.add(close);
    return async () => {
      this.#closers.delete(close);
      await close();
    };
  }
}
