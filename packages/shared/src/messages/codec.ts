import { z } from "zod";
import { InvalidMessageError } from "../errors.ts";

/** Largest record value a consumer will parse (bytes); larger ones are dead-lettered. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Validates `value` against `schema` and serialises it. Producers call this
 * before sending, so nothing invalid reaches Kafka.
 */
export function encodeMessage<S extends z.ZodType>(schema: S, value: z.input<S>): string {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidMessageError(
      "invalid-schema",
      `refusing to send an invalid message: ${z.prettifyError(result.error)}`,
      result.error,
    );
  }
  return JSON.stringify(result.data);
}

/**
 * Parses record bytes as JSON and validates them against `schema`.
 * Throws InvalidMessageError (never retriable) with the reason for the
 * dead-letter headers.
 */
export function decodeMessage<S extends z.ZodType>(schema: S, bytes: Buffer | null): z.output<S> {
  if (bytes === null) throw new InvalidMessageError("invalid-schema", "unexpected empty value");
  if (bytes.length > MAX_MESSAGE_BYTES) {
    throw new InvalidMessageError(
      "oversized",
      `value of ${bytes.length} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new InvalidMessageError("invalid-json", "value is not valid JSON", error);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new InvalidMessageError("invalid-schema", z.prettifyError(result.error), result.error);
  }
  return result.data;
}

/** A consumer `decode` function for JSON values validated by `schema`. */
export function jsonDecoder<S extends z.ZodType>(schema: S) {
  return (record: { value: Buffer | null }): z.output<S> => decodeMessage(schema, record.value);
}
