// The only module that touches the Kafka client library (kafkajs). Apps use
// the small interfaces below, so the client can be swapped (kafkajs is in
// maintenance mode) without touching them.
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer as KafkaJsConsumer,
  type EachBatchPayload,
  type IHeaders,
  type LogEntry,
  type Producer as KafkaJsProducer,
} from "kafkajs";
import { isRetriable, InvalidMessageError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { DEAD_LETTER_HEADERS, DeadLetterReason } from "./messages/dead-letter.ts";
import type { TopicNames } from "./topics.ts";

/** A record as read from Kafka, before decoding. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker or producer timestamp, epoch ms. */
  timestamp: number;
}

/** A decoded record handed to a consumer's handler. */
export interface ConsumedRecord<T> {
  raw: RawRecord;
  key: string | null;
  value: T;
}

/** A record to produce. `value: null` is a tombstone. */
export interface OutgoingRecord {
  topic: string;
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

/** A topic to create if it does not exist. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

/** An idempotent producer (acks=all): `send` resolves once every record is acknowledged. */
export interface Producer {
  send(records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

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
  /** Called for each record sent to the dead-letter topic (e.g. to count it in metrics). */
  onDeadLetter?: (reason: DeadLetterReason) => void;
  /** Called after each batch with the partition's progress (e.g. to know it caught up). */
  onProgress?: (progress: {
    topic: string;
    partition: number;
    offset: string;
    highWatermark: string;
  }) => void;
}

/** An offset in one partition of a topic. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
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

export class KafkaClient {
  readonly #kafka: Kafka;
  readonly #logger: Logger;
  readonly #clientId: string;
  readonly #topics: TopicNames;
  #admin: Promise<Admin> | undefined;
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
      retry: { initialRetryTime: 300, maxRetryTime: 30_000, retries: 8 },
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
  }

  async #adminClient(): Promise<Admin> {
    this.#admin ??= (async () => {
      const admin = this.#kafka.admin();
      await admin.connect();
      return admin;
    })();
    try {
      return await this.#admin;
    } catch (error) {
      this.#admin = undefined;
      throw error;
    }
  }

  /** Resolves when the cluster answers a metadata request; for readiness checks. */
  async ping(): Promise<{ brokers: number; controller: number | null }> {
    const cluster = await (await this.#adminClient()).describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  }

  /** Creates each topic that does not exist yet; returns the names it created. */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    const admin = await this.#adminClient();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    const created = missing.map((s) => s.topic);
    this.#logger.info({ topics: created }, "created Kafka topics");
    return created;
  }

  /** Deletes the named topics; names that do not exist are ignored. */
  async deleteTopics(names: readonly string[]): Promise<void> {
    const admin = await this.#adminClient();
    const existing = new Set(await admin.listTopics());
    const present = names.filter((n) => existing.has(n));
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 10_000 });
  }

  /** The deployment's topic names. */
  get topics(): TopicNames {
    return this.#topics;
  }

  /** The next offset to be written in each partition of `topic` (its high watermark). */
  async endOffsets(topic: string): Promise<{ partition: number; offset: string }[]> {
    const offsets = await (await this.#adminClient()).fetchTopicOffsets(topic);
    return offsets.map(({ partition, high }) => ({ partition, offset: high }));
  }

  /** Each partition's first kept offset (`low`) and next offset to be written (`high`), by partition. */
  async offsetRanges(topic: string): Promise<{ partition: number; low: string; high: string }[]> {
    const offsets = await (await this.#adminClient()).fetchTopicOffsets(topic);
    return offsets
      .map(({ partition, low, high }) => ({ partition, low, high }))
      .sort((a, b) => a.partition - b.partition);
  }

  /**
   * Each partition's first offset whose record timestamp is at or after
   * `timestamp` (epoch ms), or its high watermark when there is none.
   */
  async offsetsAtTime(
    topic: string,
    timestamp: number,
  ): Promise<{ partition: number; offset: string }[]> {
    const admin = await this.#adminClient();
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
    return offsets
      .map(({ partition, offset }) => ({ partition, offset }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** Names of every topic in the cluster. */
  async listTopics(): Promise<string[]> {
    return (await this.#adminClient()).listTopics();
  }

  /** Partition count of a topic, or undefined if it does not exist. */
  async partitionCount(topic: string): Promise<number | undefined> {
    const admin = await this.#adminClient();
    if (!(await admin.listTopics()).includes(topic)) return undefined;
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length;
  }

  /**
   * Connects an idempotent producer (acks=all). By default it retries until the
   * broker acknowledges; `maxRetries` bounds that for sends that may target a
   * topic deleted meanwhile (the caller then decides, e.g. drops for a deleted topic).
   */
  async createProducer(options: { maxRetries?: number } = {}): Promise<Producer> {
    const producer = this.#kafka.producer({
      idempotent: true,
      // At least once: an unbounded retry never drops a record (kafkajs warns
      // about bounded retries on idempotent producers for that reason).
      retry: {
        retries: options.maxRetries ?? Number.MAX_SAFE_INTEGER,
        initialRetryTime: 300,
        maxRetryTime: 30_000,
      },
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const close = () => producer.disconnect();
    this.#closers.add(close);
    return {
      send: (records) => sendRecords(producer, records),
      disconnect: async () => {
        this.#closers.delete(close);
        await close();
      },
    };
  }

  /**
   * Joins a consumer group and runs `onBatch` until stopped. Records that
   * cannot be decoded, or that fail with a non-retriable error, go to the
   * dead-letter topic with the reason in headers; consumption goes on.
   */
  async startConsumer<T>(options: ConsumerOptions<T>): Promise<Consumer> {
    const deadLetters = await this.createProducer();
    const logger = this.#logger.child({ group: options.groupId });
    // Sought again after every join (a crash restart or rebalance forgets pending
    // seeks) until the partition has delivered a batch from its new position.
    const pendingSeeks = new Map(
      (options.startOffsets ?? []).map((s) => [`${s.partition}:${s.topic}`, s] as const),
    );
    const eachBatch = async (payload: EachBatchPayload) => {
      const { batch } = payload;
      if (batch.messages.length > 0) pendingSeeks.delete(`${batch.partition}:${batch.topic}`);
      const decoded: ConsumedRecord<T>[] = [];
      const rejected: { record: RawRecord; error: unknown }[] = [];
      for (const message of batch.messages) {
        const raw: RawRecord = {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: headersToStrings(message.headers),
          timestamp: Number(message.timestamp),
        };
        try {
          decoded.push({
            raw,
            key: raw.key?.toString("utf8") ?? null,
            value: options.decode(raw),
          });
        } catch (error) {
          if (!(error instanceof InvalidMessageError)) throw error;
          rejected.push({ record: raw, error });
        }
      }
      const context: BatchContext = { heartbeat: () => payload.heartbeat() };
      if (decoded.length > 0) {
        try {
          await options.onBatch(decoded, context);
        } catch (error) {
          if (isRetriable(error)) throw error;
          // Find the poisoned records one by one so the good ones still go through.
          for (const record of decoded) {
            try {
              await options.onBatch([record], context);
            } catch (recordError) {
              if (isRetriable(recordError)) throw recordError;
              rejected.push({ record: record.raw, error: recordError });
            }
          }
        }
      }
      if (rejected.length > 0) {
        const letters = rejected.map(({ record, error }) =>
          deadLetterRecord(this.#topics.deadLetter, record, error, options.groupId),
        );
        await deadLetters.send(letters);
        for (const letter of letters) {
          const reason = DeadLetterReason.safeParse(letter.headers?.[DEAD_LETTER_HEADERS.reason]);
          options.onDeadLetter?.(reason.success ? reason.data : "processing-failed");
        }
        logger.warn(
          { count: rejected.length, topic: batch.topic, partition: batch.partition },
          "dead-lettered records",
        );
      }
      const last = batch.messages.at(-1);
      if (last) payload.resolveOffset(last.offset);
      await payload.commitOffsetsIfNecessary();
      await payload.heartbeat();
      crashes = 0;
      if (last) {
        options.onProgress?.({
          topic: batch.topic,
          partition: batch.partition,
          offset: last.offset,
          highWatermark: batch.highWatermark,
        });
      }
    };

    // kafkajs restarts a crashed consumer by itself only for retriable errors;
    // after any other crash this builds a new one, with a growing pause.
    let current: KafkaJsConsumer | undefined;
    let stopping: Promise<void> | undefined;
    let crashes = 0;
    const launch = async (): Promise<KafkaJsConsumer> => {
      const consumer = this.#kafka.consumer({
        groupId: options.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
        // Only bounds how long an idle fetch waits (new data is returned at once);
        // shorter makes stop() quicker.
        maxWaitTimeInMs: 1000,
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        logger.error({ err: payload.error, restart: payload.restart }, "consumer crashed");
        if (payload.restart || stopping) return;
        crashes++;
        const delayMs = Math.min(30_000, 1000 * 2 ** Math.min(crashes - 1, 5));
        setTimeout(() => {
          if (stopping) return;
          logger.warn({ crashes, delayMs }, "restarting the crashed consumer");
          void consumer
            .disconnect()
            .catch(() => undefined)
            .then(launch)
            .then(
              (next) => {
                current = next;
              },
              (error: unknown) => {
                logger.error({ err: error }, "could not restart the consumer");
              },
            );
        }, delayMs).unref();
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const seek of pendingSeeks.values()) consumer.seek(seek);
      });
      await consumer.connect();
      await consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.fromBeginning,
      });
      await consumer.run({ eachBatchAutoResolve: false, eachBatch });
      return consumer;
    };
    current = await launch();
    const stop = () => {
      stopping ??= (async () => {
        this.#closers.delete(stop);
        await current?.disconnect();
        await deadLetters.disconnect();
        if (options.deleteGroupOnStop) {
          await (
            await this.#adminClient()
          )
            .deleteGroups([options.groupId])
            .catch((error: unknown) => {
              logger.warn({ err: error }, "could not delete consumer group");
            });
        }
      })();
      return stopping;
    };
    this.#closers.add(stop);
    return { stop };
  }

  /** Stops every consumer and producer this client made, then the admin client. */
  async close(): Promise<void> {
    const closers = [...this.#closers];
    this.#closers.clear();
    const results = await Promise.allSettled(closers.map((close) => close()));
    const admin = this.#admin;
    this.#admin = undefined;
    if (admin) results.push(...(await Promise.allSettled([admin.then((a) => a.disconnect())])));
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length > 0) {
      throw new AggregateError(
        failed.map((r) => r.reason as unknown),
        `${this.#clientId}: ${failed.length} Kafka connection(s) failed to close`,
      );
    }
  }
}

async function sendRecords(
  producer: KafkaJsProducer,
  records: readonly OutgoingRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const byTopic = new Map<
    string,
    { key: string | null; value: string | Buffer | null; headers?: IHeaders }[]
  >();
  for (const { topic, key, value, headers } of records) {
    let messages = byTopic.get(topic);
    if (!messages) byTopic.set(topic, (messages = []));
    messages.push(headers ? { key, value, headers } : { key, value });
  }
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  });
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

/** The dead-letter record for `record`: same key and bytes, the reason in headers. */
export function deadLetterRecord(
  deadLetterTopic: string,
  record: RawRecord,
  error: unknown,
  group: string,
): OutgoingRecord {
  const parsed = DeadLetterReason.safeParse(
    error instanceof InvalidMessageError ? error.reason : undefined,
  );
  const reason = parsed.success ? parsed.data : "processing-failed";
  const message = error instanceof Error ? error.message : String(error);
  return {
    topic: deadLetterTopic,
    key: record.key === null ? null : record.key.toString("utf8"),
    value: record.value,
    headers: {
      ...record.headers,
      [DEAD_LETTER_HEADERS.reason]: reason,
      [DEAD_LETTER_HEADERS.error]: message.slice(0, 2000),
      [DEAD_LETTER_HEADERS.topic]: record.topic,
      [DEAD_LETTER_HEADERS.partition]: String(record.partition),
      [DEAD_LETTER_HEADERS.offset]: record.offset,
      [DEAD_LETTER_HEADERS.group]: group,
      [DEAD_LETTER_HEADERS.at]: new Date().toISOString(),
    },
  };
}

/** The topics every deployment needs, sized by configuration. */
export function coreTopicSpecs(
  topics: TopicNames,
  options: { partitions: number; replicationFactor: number },
): TopicSpec[] {
  const { partitions, replicationFactor } = options;
  return [
    // One partition keeps every change in one total order; compaction keeps the latest per slug.
    {
      topic: topics.control,
      partitions: 1,
      replicationFactor,
      config: { "cleanup.policy": "compact", "min.compaction.lag.ms": "0" },
    },
    { topic: topics.preprocessed, partitions, replicationFactor },
    { topic: topics.deadLetter, partitions: 1, replicationFactor },
  ];
}
