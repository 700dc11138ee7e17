// The records the Kafka module hands to and takes from the apps, free of any
// kafkajs type so the client library can be swapped.

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

/** An offset in one partition of a topic. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}
