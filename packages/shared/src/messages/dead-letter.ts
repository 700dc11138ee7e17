import { z } from "zod";

/**
 * Headers of a `tweetream.dlq` record. The record's key and value are the
 * original key and bytes, untouched; these headers say where it came from and
 * why it was set aside.
 */
export const DEAD_LETTER_HEADERS = {
  reason: "tweetream-dlq-reason",
  error: "tweetream-dlq-error",
  topic: "tweetream-dlq-topic",
  partition: "tweetream-dlq-partition",
  offset: "tweetream-dlq-offset",
  group: "tweetream-dlq-group",
  at: "tweetream-dlq-at",
} as const;

/** Why a record was dead-lettered. */
export const DeadLetterReason = z.enum([
  "invalid-json",
  "invalid-schema",
  "oversized",
  "processing-failed",
]);
export type DeadLetterReason = z.infer<typeof DeadLetterReason>;

export const DeadLetterHeaders = z.object({
  [DEAD_LETTER_HEADERS.reason]: DeadLetterReason,
  [DEAD_LETTER_HEADERS.error]: z.string(),
  [DEAD_LETTER_HEADERS.topic]: z.string().min(1),
  [DEAD_LETTER_HEADERS.partition]: z.string().regex(/^\d+$/),
  [DEAD_LETTER_HEADERS.offset]: z.string().regex(/^\d+$/),
  [DEAD_LETTER_HEADERS.group]: z.string(),
  [DEAD_LETTER_HEADERS.at]: z.iso.datetime(),
});
export type DeadLetterHeaders = z.infer<typeof DeadLetterHeaders>;
