// The steps of handling one fetched batch: decode it, hand it to the app
// (isolating the records that fail), and dead-letter what cannot be handled.
import type { Batch, IHeaders } from "kafkajs";
import { InvalidMessageError, isRetriable } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { DEAD_LETTER_HEADERS, DeadLetterReason } from "../messages/dead-letter.ts";
import { deadLetterRecord } from "./dead-letter.ts";
import type { Producer } from "./producer.ts";
import type { ConsumedRecord, RawRecord } from "./records.ts";

/** A record that could not be decoded or handled, and why. */
export interface Rejected {
  record: RawRecord;
  error: unknown;
}

/** Where and how a consumer dead-letters records. */
export interface DeadLetterSink {
  producer: Producer;
  topic: string;
  group: string;
  logger: Logger;
  onDeadLetter?: (reason: DeadLetterReason) => void;
}

/** Decodes a batch; a record whose decoding throws InvalidMessageError is rejected, any other error is thrown. */
export function decodeBatch<T>(
  batch: Batch,
  decode: (record: RawRecord) => T,
): { decoded: ConsumedRecord<T>[]; rejected: Rejected[] } {
  const decoded: ConsumedRecord<T>[] = [];
  const rejected: Rejected[] = [];
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
      decoded.push({ raw, key: raw.key?.toString("utf8") ?? null, value: decode(raw) });
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      rejected.push({ record: raw, error });
    }
  }
  return { decoded, rejected };
}

/**
 * Hands `records` to `handle` and returns those that fail for good. A
 * retriable error (or the Kafka client's) is thrown, so the batch is consumed
 * again; any other error retries record by record, so the good ones still go
 * through and the poisoned ones are found.
 */
export async function handleRecords<T>(
  records: ConsumedRecord<T>[],
  handle: (records: ConsumedRecord<T>[]) => Promise<void>,
): Promise<Rejected[]> {
  if (records.length === 0) return [];
  try {
    await handle(records);
    return [];
  } catch (error) {
    if (isRetriable(error) || isKafkaClientError(error)) throw error;
  }
  const rejected: Rejected[] = [];
  for (const record of records) {
    try {
      await handle([record]);
    } catch (error) {
      if (isRetriable(error) || isKafkaClientError(error)) throw error;
      rejected.push({ record: record.raw, error });
    }
  }
  return rejected;
}

/** Sends `rejected` (records of one partition) to the dead-letter topic, reports each reason and logs them. */
export async function deadLetter(
  rejected: readonly Rejected[],
  sink: DeadLetterSink,
  from: { topic: string; partition: number },
): Promise<void> {
  const letters = rejected.map(({ record, error }) =>
    deadLetterRecord(sink.topic, record, error, sink.group),
  );
  await sink.producer.send(letters);
  for (const letter of letters) {
    const reason = DeadLetterReason.safeParse(letter.headers?.[DEAD_LETTER_HEADERS.reason]);
    sink.onDeadLetter?.(reason.success ? reason.data : "processing-failed");
  }
  sink.logger.warn(
    {
      count: rejected.length,
      topic: from.topic,
      partition: from.partition,
      // The keys are post ids (or topic slugs on the control topic); bounded, for the log.
      keys: rejected.slice(0, 20).map(({ record }) => record.key?.toString("utf8") ?? null),
      offsets: rejected.slice(0, 20).map(({ record }) => record.offset),
    },
    "dead-lettered records",
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

export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}
