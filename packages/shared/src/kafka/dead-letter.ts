import { InvalidMessageError } from "../errors.ts";
import { DEAD_LETTER_HEADERS, DeadLetterReason } from "../messages/dead-letter.ts";
import type { OutgoingRecord, RawRecord } from "./records.ts";

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
