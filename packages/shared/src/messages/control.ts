import { z } from "zod";
import { InvalidMessageError } from "../errors.ts";
import { SLUG_PATTERN } from "../topics.ts";
import { MAX_RULE_LENGTH } from "../limits.ts";
import { decodeMessage } from "./codec.ts";

export { MAX_RULE_LENGTH };

export const topicSlug = z.string().regex(SLUG_PATTERN, {
  error: "a slug is 2-63 lowercase letters, digits or single hyphens, e.g. jakarta-traffic",
});

/**
 * Value of a `tweetream.control` record (key = slug): the full current state
 * of a topic. A tombstone (null value) under the same key means "deleted".
 */
export const TopicUpserted = z.object({
  v: z.literal(1),
  type: z.literal("topic.upserted"),
  slug: topicSlug,
  name: z.string().min(1).max(100),
  rule: z.string().min(1).max(MAX_RULE_LENGTH),
  description: z.string().max(500),
  updatedAt: z.iso.datetime(),
});
export type TopicUpserted = z.infer<typeof TopicUpserted>;

/** A control record as consumers see it, once the tombstone case is decoded. */
export type ControlEvent =
  | { type: "topic.upserted"; slug: string; topic: TopicUpserted }
  | { type: "topic.deleted"; slug: string };

/** Decodes a `tweetream.control` record, where a null value is a deletion. */
export function decodeControlEvent(record: {
  key: Buffer | null;
  value: Buffer | null;
}): ControlEvent {
  const slug = record.key?.toString("utf8") ?? "";
  if (!topicSlug.safeParse(slug).success) {
    throw new InvalidMessageError(
      "invalid-schema",
      `control record key ${JSON.stringify(slug)} is not a topic slug`,
    );
  }
  if (record.value === null) return { type: "topic.deleted", slug };
  const topic = decodeMessage(TopicUpserted, record.value);
  if (topic.slug !== slug) {
    throw new InvalidMessageError(
      "invalid-schema",
      `control record key ${slug} does not match slug ${topic.slug}`,
    );
  }
  return { type: "topic.upserted", slug, topic };
}
