// Jetstream's v1 wire format (the `/subscribe` endpoint): one JSON object per
// WebSocket text message, `{did, time_us, kind, commit | identity | account}`.
// The shape is frozen by Bluesky (bluesky-social/jetstream, docs/README.md
// §5.1, and its golden events in internal/subscribe/testdata/golden_v1.jsonl).
import { MAX_POST_ID_LENGTH, MAX_TEXT_LENGTH } from "@tweetream/shared";
import { z } from "zod";
import type { RawPost } from "../source.ts";

/** The collection of Bluesky posts; the source subscribes to it alone. */
export const POST_COLLECTION = "app.bsky.feed.post";

/** What one Jetstream message means to the source. */
export type JetstreamItem =
  /** A new post. */
  | { readonly kind: "post"; readonly timeUs: number; readonly post: RawPost }
  /** A post was deleted; `id` is the post's id (its AT URI). */
  | { readonly kind: "delete"; readonly timeUs: number; readonly id: string }
  /** An account's handle, from an `identity` event. */
  | {
      readonly kind: "identity";
      readonly timeUs: number;
      readonly did: string;
      readonly handle: string;
    }
  /** Anything else: other kinds, other collections, edits, identity events without a handle. */
  | { readonly kind: "other"; readonly timeUs: number };

/** A message that is not a Jetstream event, and why. */
export interface MalformedEvent {
  readonly kind: "malformed";
  readonly reason: string;
}

const did = z
  .string()
  .regex(/^did:[a-z]+:[A-Za-z0-9._:%-]+$/)
  .max(MAX_POST_ID_LENGTH);

/** The envelope: only what every event has, and what the source reads. */
const Event = z.object({
  did,
  time_us: z.number().int().positive(),
  kind: z.string(),
  commit: z
    .object({
      operation: z.string(),
      collection: z.string(),
      rkey: z
        .string()
        .regex(/^[A-Za-z0-9._:~-]+$/)
        .max(512),
      record: z.unknown().optional(),
    })
    .optional(),
  identity: z.object({ handle: z.string().max(253).optional() }).optional(),
});

/** The parts of an `app.bsky.feed.post` record a post is made from. */
const PostRecord = z.object({
  text: z.string().max(MAX_TEXT_LENGTH),
  createdAt: z.string().optional(),
  langs: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  facets: z.array(z.unknown()).optional(),
});

const Facet = z.object({ features: z.array(z.unknown()) });
const TagFeature = z.object({ $type: z.literal("app.bsky.richtext.facet#tag"), tag: z.string() });

/** 9999-12-31T23:59:59.999Z, the last instant with a four-digit ISO 8601 year. */
const LAST_ISO_DATE_MS = 253_402_300_799_999;

/** `langs` entries are BCP 47 tags; anything else is no language. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/**
 * Decodes one Jetstream message. `handleOf` gives the handle last seen for a
 * DID (from identity events), if any. Never throws: a message that is not a
 * Jetstream event, or a post record that is not a post, is `malformed`.
 */
export function decodeJetstreamEvent(
  message: string,
  handleOf: (did: string) => string | undefined,
): JetstreamItem | MalformedEvent {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { kind: "malformed", reason: "not JSON" };
  }
  const parsed = Event.safeParse(json);
  if (!parsed.success) return { kind: "malformed", reason: describe(parsed.error) };
  const event = parsed.data;
  const timeUs = event.time_us;
  switch (event.kind) {
    case "commit": {
      const commit = event.commit;
      if (!commit) return { kind: "malformed", reason: "a commit event without `commit`" };
      if (commit.collection !== POST_COLLECTION) return { kind: "other", timeUs };
      const id = postId(event.did, commit.rkey);
      if (commit.operation === "delete") return { kind: "delete", timeUs, id };
      // Bluesky's app does not edit posts; an `update` is left alone.
      if (commit.operation !== "create") return { kind: "other", timeUs };
      const record = PostRecord.safeParse(commit.record);
      if (!record.success) {
        return { kind: "malformed", reason: `post record: ${describe(record.error)}` };
      }
      return {
        kind: "post",
        timeUs,
        post: toRawPost(event.did, commit.rkey, record.data, timeUs, handleOf(event.did)),
      };
    }
    case "identity": {
      const handle = event.identity?.handle;
      return handle
        ? { kind: "identity", timeUs, did: event.did, handle }
        : { kind: "other", timeUs };
    }
    default:
      // `account` events, and kinds a later Jetstream may add.
      return { kind: "other", timeUs };
  }
}

/** A Bluesky post's id: its AT URI, unique across every source. */
export function postId(authorDid: string, rkey: string): string {
  return `at://${authorDid}/${POST_COLLECTION}/${rkey}`;
}

function toRawPost(
  authorDid: string,
  rkey: string,
  record: z.infer<typeof PostRecord>,
  timeUs: number,
  handle: string | undefined,
): RawPost {
  const written = record.createdAt === undefined ? Number.NaN : Date.parse(record.createdAt);
  // A record's createdAt is whatever its client wrote; Jetstream's clock is the
  // fallback for one that is not a date from 1970 to 9999.
  const createdAt = new Date(
    written >= 0 && written <= LAST_ISO_DATE_MS ? written : Math.floor(timeUs / 1000),
  );
  const lang = record.langs?.find((tag) => LANGUAGE_TAG.test(tag) && tag.length <= 16) ?? "und";
  const hashtags = new Set<string>(record.tags ?? []);
  for (const facet of record.facets ?? []) {
    const parsed = Facet.safeParse(facet);
    if (!parsed.success) continue;
    for (const feature of parsed.data.features) {
      const tag = TagFeature.safeParse(feature);
      if (tag.success) hashtags.add(tag.data.tag);
    }
  }
  return {
    id: postId(authorDid, rkey),
    url: `https://bsky.app/profile/${authorDid}/post/${rkey}`,
    text: record.text,
    author: { id: authorDid, username: handle ?? "" },
    createdAt: createdAt.toISOString(),
    lang,
    ...(hashtags.size > 0 ? { hashtags: [...hashtags] } : {}),
  };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid";
}
