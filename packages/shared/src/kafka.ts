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
  type ICustomPartitioner,
  type LogEntry,
  type Message,
  type PartitionMetadata,
  type Producer as KafkaJsProducer,
} from "kafkajs";
import { isRetriable, InvalidMessageError, TweetreamError } from "./errors.ts";
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
  /** The partition to write to (default: by key, as Kafka's default partitioner does). */
  partition?: number;
  /** The record's timestamp, epoch ms (default: when it is sent). */
  timestamp?: number;
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

/**
 * Retry of every kafkajs request: 300 ms doubling (with jitter) up to 2 s
 * between attempts, so a new leader is found within about 2 s of the
 * controller moving leadership (it fences a dead broker after 9 s), and a dead
 * broker costs at most one logged attempt per request every 2 s (no tight
 * loop). Fifteen retries span about 25 s: longer than a failover, after which
 * a consumer crashes and is restarted.
 */
export const CLIENT_RETRY = {
  initialRetryTime: 300,
  maxRetryTime: 2000,
  retries: 15,
} as const;

/** Client-side timeout of one request (kafkajs' default is 30 s). */
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Consumer session timeout: how long the group waits for a member that
 * vanished without leaving (a `kill -9`, or a kafkajs crash restart, which does
 * not leave the group) before moving its partitions. kafkajs' 30 s would be the
 * recovery time of every such fault.
 */
const SESSION_TIMEOUT_MS = 10_000;
/** How long topic creation waits for every new partition to have a leader. */
const TOPIC_READY_TIMEOUT_MS = 30_000;
/**
 * Producers and consumers refresh cluster metadata at most this long after the
 * last refresh (kafkajs: 5 min), so a moved leader is found even when no request
 * failed. After a request timeout, patches/kafkajs+2.2.4.patch refreshes it at
 * once, from a broker that still answers (docs/RELIABILITY.md, "The kafkajs patch").
 */
const METADATA_MAX_AGE_MS = 5000;
/** How long a topic's partition list is reused before asking the cluster again. */
const PARTITION_CACHE_MS = 30_000;
/** Longest pause before restarting a crashed consumer (it starts at 1 s and doubles). */
const MAX_RESTART_DELAY_MS = 10_000;

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
  readonly #partitionCache = new Map<
    string,
    { at: number; partitions: Promise<PartitionMetadata[]> }
  >();

  constructor({ brokers, clientId, logger, topics }: KafkaClientOptions) {
    this.#logger = logger.child({ component: "kafka" });
    this.#clientId = clientId;
    this.#topics = topics;
    const kafkaLogger = this.#logger;
    this.#kafka = new Kafka({
      clientId,
      brokers: [...brokers],
      connectionTimeout: 3000,
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

  /**
   * Creates each topic that does not exist yet and waits until every partition
   * of the requested topics has a leader; returns the names it created. Safe
   * to run from several processes at once.
   */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    const admin = await this.#adminClient();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: s.replicationFactor,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (error) {
      // On a multi-broker cluster kafkajs asks one broker for the new leaders
      // before that broker has the topic in its metadata, and gives up on
      // UNKNOWN_TOPIC_OR_PARTITION ("does not host this topic-partition"),
      // retrying only LEADER_NOT_AVAILABLE. The topics are created by then:
      // verify below instead of failing.
      if (!isTransientTopicError(error)) throw error;
      this.#logger.warn(
        { err: error, topics: missing.map((s) => s.topic) },
        "topic creation reported a transient error; checking the topics",
      );
    }
    await this.#waitForLeaders(missing);
    const created = missing.map((s) => s.topic);
    this.#logger.info({ topics: created }, "created Kafka topics");
    return created;
  }

  /** Waits until each topic exists with all its partitions led; throws naming the missing ones. */
  async #waitForLeaders(specs: readonly TopicSpec[]): Promise<void> {
    const admin = await this.#adminClient();
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    let pending = specs.map((s) => s.topic);
    let lastError: unknown;
    for (let delayMs = 100; ; delayMs = Math.min(2000, delayMs * 2)) {
      try {
        const present = new Set(await admin.listTopics());
        const listed = pending.filter((topic) => present.has(topic));
        const { topics } =
          listed.length === 0 ? { topics: [] } : await admin.fetchTopicMetadata({ topics: listed });
        const ready = new Set(
          topics
            .filter((t) => {
              const want = specs.find((s) => s.topic === t.name)?.partitions ?? 1;
              return t.partitions.length >= want && t.partitions.every((p) => p.leader >= 0);
            })
            .map((t) => t.name),
        );
        pending = pending.filter((topic) => !ready.has(topic));
        if (pending.length === 0) return;
      } catch (error) {
        if (!isTransientTopicError(error)) throw error;
        lastError = error;
      }
      if (Date.now() > deadline) {
        throw new TweetreamError(
          `Kafka topics not ready after ${TOPIC_READY_TIMEOUT_MS / 1000}s (missing or without a partition leader): ${pending.join(", ")}`,
          { retriable: true, cause: lastError },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
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

  /**
   * A consumer group's state and member ids (empty once every member has left),
   * and its committed offsets on `topic`; for operations and shutdown checks.
   */
  async describeGroup(
    groupId: string,
    topic?: string,
  ): Promise<{
    state: string;
    members: string[];
    offsets: { partition: number; offset: string }[];
  }> {
    const admin = await this.#adminClient();
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    const committed =
      topic === undefined ? [] : await admin.fetchOffsets({ groupId, topics: [topic] });
    return {
      state: group?.state ?? "Dead",
      members: group?.members.map((m) => m.memberId) ?? [],
      offsets: (committed[0]?.partitions ?? [])
        .map(({ partition, offset }) => ({ partition, offset }))
        .sort((a, b) => a.partition - b.partition),
    };
  }

  /** A topic's partitions, cached for a while (partitions are only ever added, and rarely). */
  async #partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    const cached = this.#partitionCache.get(topic);
    if (cached && Date.now() - cached.at < PARTITION_CACHE_MS) return cached.partitions;
    const partitions = (async () => {
      const { topics } = await (await this.#adminClient()).fetchTopicMetadata({ topics: [topic] });
      return topics[0]?.partitions ?? [];
    })();
    this.#partitionCache.set(topic, { at: Date.now(), partitions });
    try {
      return await partitions;
    } catch (error) {
      this.#partitionCache.delete(topic);
      throw error;
    }
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
      retry: { ...CLIENT_RETRY, retries: options.maxRetries ?? Number.MAX_SAFE_INTEGER },
      maxInFlightRequests: 1,
      metadataMaxAge: METADATA_MAX_AGE_MS,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const close = () => producer.disconnect();
    this.#closers.add(close);
    const partitioner = Partitioners.DefaultPartitioner();
    return {
      send: (records) =>
        sendRecords(producer, records, (topic) => this.#partitionsOf(topic), partitioner),
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
    // seeks) until the partition has delivered a batch from its new position;
    // without commits, the position after each batch takes its place instead.
    const commitOffsets = options.commitOffsets ?? true;
    const pendingSeeks = new Map(
      (options.startOffsets ?? []).map((s) => [`${s.partition}:${s.topic}`, s] as const),
    );
    const eachBatch = async (payload: EachBatchPayload) => {
      const { batch } = payload;
      if (batch.messages.length > 0 && commitOffsets) {
        pendingSeeks.delete(`${batch.partition}:${batch.topic}`);
      }
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
          if (isRetriable(error) || isKafkaClientError(error)) throw error;
          // Find the poisoned records one by one so the good ones still go through.
          for (const record of decoded) {
            try {
              await options.onBatch([record], context);
            } catch (recordError) {
              if (isRetriable(recordError) || isKafkaClientError(recordError)) throw recordError;
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
          {
            count: rejected.length,
            topic: batch.topic,
            partition: batch.partition,
            // The keys are post ids (or topic slugs on the control topic); bounded, for the log.
            keys: rejected.slice(0, 20).map(({ record }) => record.key?.toString("utf8") ?? null),
            offsets: rejected.slice(0, 20).map(({ record }) => record.offset),
          },
          "dead-lettered records",
        );
      }
      const last = batch.messages.at(-1);
      if (last) payload.resolveOffset(last.offset);
      if (commitOffsets) await payload.commitOffsetsIfNecessary();
      else if (last) {
        const { topic, partition } = batch;
        const offset = (BigInt(last.offset) + 1n).toString();
        pendingSeeks.set(`${partition}:${topic}`, { topic, partition, offset });
      }
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

    // Every crash restarts through here, not through kafkajs' own restart
    // (which it skips for non-retriable errors, and which has left consumers
    // dead): a new consumer after a pause growing from 1 s to 10 s, retried
    // until it runs again or the consumer is stopped.
    let current: KafkaJsConsumer | undefined;
    let stopping: Promise<void> | undefined;
    let crashes = 0;
    const restart = (crashed: KafkaJsConsumer) => {
      crashes++;
      const delayMs = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** Math.min(crashes - 1, 4));
      setTimeout(() => {
        if (stopping) return;
        logger.warn({ crashes, delayMs }, "restarting the crashed consumer");
        void crashed
          .disconnect()
          .catch(() => undefined)
          .then(launch)
          .then(
            async (next) => {
              if (stopping) {
                await next.disconnect();
                return;
              }
              current = next;
              options.onRestart?.();
            },
            (error: unknown) => {
              logger.error({ err: error }, "could not restart the consumer; trying again");
              restart(crashed);
            },
          );
      }, delayMs).unref();
    };
    const launch = async (): Promise<KafkaJsConsumer> => {
      const consumer = this.#kafka.consumer({
        groupId: options.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: SESSION_TIMEOUT_MS,
        heartbeatInterval: 1000,
        // Only bounds how long an idle fetch waits (new data is returned at once);
        // shorter makes stop() quicker.
        maxWaitTimeInMs: 1000,
        metadataMaxAge: METADATA_MAX_AGE_MS,
        retry: { ...CLIENT_RETRY, restartOnFailure: () => Promise.resolve(false) },
      });
      current = consumer;
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (stopping) return;
        logger.error({ err: payload.error }, "consumer crashed");
        options.onCrash?.(payload.error);
        restart(consumer);
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const seek of pendingSeeks.values()) consumer.seek(seek);
      });
      try {
        await consumer.connect();
        await consumer.subscribe({
          topics: [...options.topics],
          fromBeginning: options.fromBeginning,
        });
        await consumer.run({ eachBatchAutoResolve: false, autoCommit: commitOffsets, eachBatch });
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        throw error;
      }
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

type Partitioner = ReturnType<ICustomPartitioner>;

/**
 * Sends `records` with acks=all, one `sendBatch` per topic partition.
 *
 * Why per partition: kafkajs' sendBatch (2.2.4, producer/sendMessages.js)
 * remembers which *brokers* already answered and, on a retry, skips every
 * broker in that list. When a partition's leader dies mid-send and leadership
 * moves to a broker that had already answered for another partition, the
 * retry never sends that partition's records, yet the call resolves: records
 * acknowledged but not written (seen in the broker-kill and broker-pause
 * fault scenarios). With one partition per call there is one leader per call,
 * so a retry always goes to the new leader. Calls run in parallel; records of
 * one partition stay in one call, in order.
 */
async function sendRecords(
  producer: KafkaJsProducer,
  records: readonly OutgoingRecord[],
  partitions: (topic: string) => Promise<PartitionMetadata[]>,
  partitioner: Partitioner,
): Promise<void> {
  if (records.length === 0) return;
  const metadata = new Map<string, PartitionMetadata[]>();
  for (const topic of new Set(records.map((r) => r.topic))) {
    metadata.set(topic, await partitions(topic));
  }
  const byPartition = new Map<string, { topic: string; messages: Message[] }>();
  for (const { topic, key, value, headers, partition: chosen, timestamp } of records) {
    const message: Message = headers ? { key, value, headers } : { key, value };
    if (timestamp !== undefined) message.timestamp = String(timestamp);
    // The partitioner the producer would use, applied here so each call has one partition.
    const partition =
      chosen ?? partitioner({ topic, partitionMetadata: metadata.get(topic) ?? [], message });
    const id = `${String(partition)} ${topic}`;
    let group = byPartition.get(id);
    if (!group) byPartition.set(id, (group = { topic, messages: [] }));
    group.messages.push({ ...message, partition });
  }
  await Promise.all(
    [...byPartition.values()].map(({ topic, messages }) =>
      producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] }),
    ),
  );
}

/**
 * An error of the Kafka client itself, e.g. from `heartbeat()` during a
 * rebalance or a coordinator move ("The coordinator is not aware of this
 * member", which kafkajs marks non-retriable). It says nothing about the
 * records: rethrown so kafkajs rejoins and the batch is consumed again, never
 * dead-lettered (seen in the broker-pause fault scenario).
 */
function isKafkaClientError(error: unknown): boolean {
  return error instanceof Error && error.name.startsWith("KafkaJS");
}

/** Errors kafkajs reports while a new topic's metadata spreads over the brokers. */
function isTransientTopicError(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const type = "type" in cause ? cause.type : undefined;
    if (
      type === "UNKNOWN_TOPIC_OR_PARTITION" ||
      type === "LEADER_NOT_AVAILABLE" ||
      type === "REQUEST_TIMED_OUT" ||
      type === "NOT_CONTROLLER" ||
      cause.name === "KafkaJSTimeout"
    )
      return true;
  }
  return false;
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
