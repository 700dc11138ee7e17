import {
  Partitioners,
  type ICustomPartitioner,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer as KafkaJsProducer,
} from "kafkajs";
import { TweetreamError } from "../errors.ts";
import type { OutgoingRecord } from "./records.ts";
import { CLIENT_RETRY, METADATA_MAX_AGE_MS, PARTITION_CACHE_MS } from "./settings.ts";

/** A producer (acks=all, one request in flight): `send` resolves once every record is acknowledged. */
export interface Producer {
  send(records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** Looks up a topic's partitions (for the partitioner). */
export type PartitionLookup = (topic: string) => Promise<PartitionMetadata[]>;

/** Connects a producer; see `KafkaClient.createProducer`. */
export async function connectProducer(
  kafka: Kafka,
  partitionsOf: PartitionLookup,
  options: { maxRetries?: number },
): Promise<Producer> {
  const bounded = options.maxRetries !== undefined;
  const producer = kafka.producer({
    // Retrying until acknowledged, the producer is idempotent: a retry never
    // writes a record twice. kafkajs's idempotence assumes exactly that (and
    // warns when retries are limited), so a producer with bounded retries is
    // not idempotent: a retry may then write a record twice, which its readers
    // drop by key (docs/RELIABILITY.md). One request in flight keeps each
    // partition's order either way.
    idempotent: !bounded,
    retry: { ...CLIENT_RETRY, retries: options.maxRetries ?? Number.MAX_SAFE_INTEGER },
    maxInFlightRequests: 1,
    metadataMaxAge: METADATA_MAX_AGE_MS,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const partitioner = Partitioners.DefaultPartitioner();
  return {
    send: (records) => sendRecords(producer, records, partitionsOf, partitioner),
    disconnect: () => producer.disconnect(),
  };
}

/** A topic's partitions, cached for a while (partitions are only ever added, and rarely). */
export class PartitionCache {
  readonly #lookup: PartitionLookup;
  readonly #cache = new Map<string, { at: number; partitions: Promise<PartitionMetadata[]> }>();

  constructor(lookup: PartitionLookup) {
    this.#lookup = lookup;
  }

  async get(topic: string): Promise<PartitionMetadata[]> {
    const cached = this.#cache.get(topic);
    if (cached && Date.now() - cached.at < PARTITION_CACHE_MS) return cached.partitions;
    const partitions = this.#lookup(topic);
    this.#cache.set(topic, { at: Date.now(), partitions });
    try {
      return await partitions;
    } catch (error) {
      this.#cache.delete(topic);
      throw error;
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
  partitions: PartitionLookup,
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
    const known = metadata.get(topic) ?? [];
    // kafkajs resolves a send to a partition it has no leader for without
    // sending it: a record for a partition the topic does not have would be lost.
    if (chosen !== undefined && !known.some((p) => p.partitionId === chosen)) {
      throw new TweetreamError(
        `${topic} has no partition ${String(chosen)} (it has ${String(known.length)})`,
        { retriable: false },
      );
    }
    // The partitioner the producer would use, applied here so each call has one partition.
    const partition = chosen ?? partitioner({ topic, partitionMetadata: known, message });
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
