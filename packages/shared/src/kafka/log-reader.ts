// Reads a partition of a topic at a chosen offset, straight from its leader,
// without a consumer group. History (a page of a time range, an export, a
// replay) reads where a request says, for as long as the request lasts:
// kafkajs' consumer has no `assign`, and a consumer group per request would
// cost a join and a rebalance each time. The cluster connection comes from
// patches/kafkajs+2.2.4.patch (`Kafka#cluster`), which builds it exactly as
// kafkajs builds its consumers' (same brokers, retry, timeouts, TLS/SASL).
// Fetches leave record sets as bytes (the patch's `Broker#fetchRecordSets`),
// and record-batches.ts reads them without kafkajs's per-record objects and
// Long arithmetic: an export of 1,000,000 posts went from 69,000 to 120,000
// posts/s (docs/BENCHMARKS.md, "History from Kafka").
import { setTimeout as sleep } from "node:timers/promises";
import type { Kafka } from "kafkajs";
import { TweetreamError } from "../errors.ts";
import { decodeRecordSet, recordBatches, type RecordBatch } from "./record-batches.ts";
import type { RawRecord } from "./records.ts";
import { METADATA_MAX_AGE_MS } from "./settings.ts";

/** What the reader uses of the kafkajs cluster the patch exposes. */
interface KafkaJsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  findBroker(options: { nodeId: string }): Promise<KafkaJsBroker>;
}

interface KafkaJsBroker {
  /** Patched in (patches/kafkajs+2.2.4.patch): a fetch whose record sets stay bytes. */
  fetchRecordSets(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: {
      topic: string;
      partitions: { partition: number; fetchOffset: string; maxBytes: number }[];
    }[];
  }): Promise<{ responses: FetchTopic[] }>;
}

interface FetchTopic {
  topicName: string;
  partitions: { partition: number; highWatermark: string; recordSet: Buffer }[];
}

declare module "kafkajs" {
  interface Kafka {
    /** Patched in (patches/kafkajs+2.2.4.patch): a cluster connection of its own. */
    cluster(options?: { metadataMaxAge?: number }): unknown;
  }
}

/** Kafka errors that a fresh look at the metadata mends (the leader moved, the topic is new). */
const STALE_METADATA = new Set([
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
]);
const READ_COMMITTED = 1;
/** Fetches of one read tried again after stale metadata, before giving up. */
const ATTEMPTS = 6;
/**
 * Cluster connections (each with a socket per broker) a reader fetches
 * through, each fetch on the one with the fewest under way. A broker answers
 * the requests of one socket one at a time, so on a single socket a page
 * waited behind an export's 2 MiB fetches, and the three partitions of a rule
 * preview were read one fetch at a time: with three, the preview of an hour
 * took 15 % less (docs/BENCHMARKS.md, "Rule preview").
 */
const CONNECTIONS = 3;

/** The offset asked for is no longer (or not yet) in the partition: retention removed it. */
export class OffsetOutOfRangeError extends TweetreamError {
  constructor(topic: string, partition: number, offset: bigint) {
    super(`offset ${String(offset)} of ${topic}[${String(partition)}] is out of range`, {
      retriable: false,
    });
  }
}

/** One of a reader's cluster connections. */
interface Connection {
  /** Opened on its first fetch. */
  cluster: Promise<KafkaJsCluster> | undefined;
  /** Topics whose metadata the cluster fetches. */
  topics: Set<string>;
  /** Fetches under way. */
  busy: number;
}

/** One fetch's records of one partition, from the offset asked for on. */
export interface PartitionChunk {
  records: RawRecord[];
  /** The partition's next offset to be written when the leader answered. */
  highWatermark: bigint;
}

/** One fetch's record batches of one partition, undecoded (see record-batches.ts). */
export interface PartitionBatches {
  /** In offset order; the first may start below the offset asked for, control batches included. */
  batches: RecordBatch[];
  highWatermark: bigint;
}

/**
 * Reads partitions at chosen offsets through cluster connections of its own
 * (CONNECTIONS of them). Safe to use from many requests at once; a connection
 * opens on the first read that uses it, and all close with `close()`, after
 * which reads are refused.
 */
export class LogReader {
  readonly #kafka: Kafka;
  readonly #connections: Connection[] = Array.from({ length: CONNECTIONS }, () => ({
    cluster: undefined,
    topics: new Set<string>(),
    busy: 0,
  }));
  #closed = false;

  constructor(kafka: Kafka) {
    this.#kafka = kafka;
  }

  /**
   * The records of `partition` from `offset` on, up to about `maxBytes` (at
   * least one record when there is one: Kafka returns a first record batch
   * whole even when it is larger). Empty at the end of the partition. Throws
   * OffsetOutOfRangeError when `offset` is below the oldest record kept.
   */
  async read(
    topic: string,
    partition: number,
    offset: bigint,
    maxBytes = 1024 * 1024,
  ): Promise<PartitionChunk> {
    const { recordSet, highWatermark } = await this.#fetch(topic, partition, offset, maxBytes);
    return {
      highWatermark,
      records: await decodeRecordSet(recordSet, topic, partition, Number(offset)),
    };
  }

  /**
   * As `read`, but the record batches as fetched, for a caller that looks at
   * millions of records and decodes only some (RecordCursor).
   */
  async readBatches(
    topic: string,
    partition: number,
    offset: bigint,
    maxBytes = 1024 * 1024,
  ): Promise<PartitionBatches> {
    const { recordSet, highWatermark } = await this.#fetch(topic, partition, offset, maxBytes);
    return { highWatermark, batches: await recordBatches(recordSet) };
  }

  async #fetch(
    topic: string,
    partition: number,
    offset: bigint,
    maxBytes: number,
  ): Promise<{ recordSet: Buffer; highWatermark: bigint }> {
    const connection = this.#connections.reduce((a, b) => (b.busy < a.busy ? b : a));
    connection.busy++;
    try {
      return await this.#fetchOn(connection, topic, partition, offset, maxBytes);
    } finally {
      connection.busy--;
    }
  }

  async #fetchOn(
    connection: Connection,
    topic: string,
    partition: number,
    offset: bigint,
    maxBytes: number,
  ): Promise<{ recordSet: Buffer; highWatermark: bigint }> {
    const cluster = await this.#connected(connection);
    for (let attempt = 1; ; attempt++) {
      if (!connection.topics.has(topic)) {
        await cluster.addTargetTopic(topic);
        connection.topics.add(topic);
      }
      const known = cluster.findTopicPartitionMetadata(topic);
      if (known.length > 0 && !known.some((p) => p.partitionId === partition)) {
        throw new TweetreamError(`${topic} has no partition ${String(partition)}`, {
          retriable: false,
        });
      }
      const leaders = cluster.findLeaderForPartitions(topic, [partition]);
      const nodeId = Object.keys(leaders)[0];
      // Made only when a fetch fails: an Error per fetch costs a stack trace each.
      let failure: unknown;
      if (nodeId === undefined) {
        failure = new TweetreamError(`${topic}[${String(partition)}] has no leader`, {
          retriable: true,
        });
      } else {
        try {
          return await fetchFrom(
            await cluster.findBroker({ nodeId }),
            topic,
            partition,
            offset,
            maxBytes,
          );
        } catch (error) {
          // kafkajs throws a partition's error code as a typed error.
          const type = error instanceof Error && "type" in error ? error.type : undefined;
          if (type === "OFFSET_OUT_OF_RANGE") {
            throw new OffsetOutOfRangeError(topic, partition, offset);
          }
          if (typeof type !== "string" || !STALE_METADATA.has(type)) throw error;
          failure = error;
        }
      }
      if (attempt >= ATTEMPTS) {
        throw new TweetreamError(
          `fetching ${topic}[${String(partition)}] at ${String(offset)} failed ${String(ATTEMPTS)} times`,
          { retriable: true, cause: failure },
        );
      }
      await sleep(Math.min(2000, 100 * 2 ** attempt));
      await cluster.refreshMetadata();
    }
  }

  /**
   * Closes the connection, if one was opened. Reads after this are refused:
   * one left running by its caller (a read-ahead nobody waits for) must not
   * open a connection that nothing would close.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#connections.map(async (connection) => {
        const { cluster } = connection;
        connection.cluster = undefined;
        connection.topics.clear();
        if (cluster) await (await cluster.catch(() => undefined))?.disconnect();
      }),
    );
  }

  #connected(connection: Connection): Promise<KafkaJsCluster> {
    if (this.#closed) {
      return Promise.reject(new TweetreamError("the log reader is closed", { retriable: false }));
    }
    connection.cluster ??= (async () => {
      const cluster = this.#kafka.cluster({
        metadataMaxAge: METADATA_MAX_AGE_MS,
      }) as KafkaJsCluster;
      await cluster.connect();
      return cluster;
    })().catch((error: unknown) => {
      connection.cluster = undefined;
      throw error;
    });
    return connection.cluster;
  }
}

async function fetchFrom(
  broker: KafkaJsBroker,
  topic: string,
  partition: number,
  offset: bigint,
  maxBytes: number,
): Promise<{ recordSet: Buffer; highWatermark: bigint }> {
  const response = await broker.fetchRecordSets({
    replicaId: -1,
    isolationLevel: READ_COMMITTED,
    maxWaitTime: 0,
    minBytes: 1,
    maxBytes,
    topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
  });
  const answer = response.responses[0]?.partitions[0];
  if (!answer)
    throw new TweetreamError(`no answer for ${topic}[${String(partition)}]`, { retriable: true });
  return { highWatermark: BigInt(answer.highWatermark), recordSet: answer.recordSet };
}
