// Checks of argument values the schema's types cannot express.
import type { PostLabel, PostSource as KafkaPostSource } from "@tweetream/shared";
import { SLUG_PATTERN } from "@tweetream/shared";
import type { Label, PostSource } from "../generated/graphql.ts";
import { bucketFor, MAX_BUCKETS, type BucketSize } from "../history/index.ts";
import { decodeCursor, type Position } from "../hub/index.ts";
import { badUserInput, gatewayError } from "./errors.ts";
import { postLabel, postSource } from "./labels.ts";
import type { GatewayServices } from "./gateway-services.ts";

/** Most posts one `tweets` page may ask for. */
export const MAX_PAGE_SIZE = 100;
/** Longest `topicStats` window in minutes (one day). */
export const MAX_STATS_WINDOW = 1440;
/** How long a request waits for a just-created topic to reach this process. */
export const LIVE_TOPIC_WAIT_MS = 10_000;

export function checkPageSize(size: number, field: "first" | "last" = "first"): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput(field, `${field} must be from 1 to ${MAX_PAGE_SIZE}, got ${size}`);
  }
  return size;
}

export function checkStatsWindow(window: number): number {
  if (!Number.isInteger(window) || window < 1 || window > MAX_STATS_WINDOW) {
    throw badUserInput(
      "window",
      `window must be from 1 to ${MAX_STATS_WINDOW} minutes, got ${window}`,
    );
  }
  return window;
}

/**
 * The range and bucket size of `topicStats(from, to, bucket)`: `to` defaults
 * to now; BAD_USER_INPUT for `to` without `from`, `to` before `from`, or more
 * than MAX_BUCKETS buckets.
 */
export function checkStatsRange(
  from: Date | null | undefined,
  to: Date | null | undefined,
  bucket: BucketSize | null | undefined,
): { from: number; to: number; bucket: BucketSize } | undefined {
  if (!from) {
    if (to) throw badUserInput("from", "topicStats with to needs from too");
    if (bucket) throw badUserInput("bucket", "bucket is for a range: give from (and to)");
    return undefined;
  }
  const range = { from: from.getTime(), to: to ? to.getTime() : Date.now() };
  if (range.to <= range.from) throw badUserInput("to", "to must be after from");
  const chosen = bucketFor(range.from, range.to, bucket ?? undefined);
  if (chosen.count > MAX_BUCKETS) {
    throw badUserInput(
      "bucket",
      `the range has ${chosen.count} ${chosen.bucket} buckets, more than ${MAX_BUCKETS}; pick a bigger bucket or a shorter range`,
    );
  }
  return { ...range, bucket: chosen.bucket };
}

/**
 * The cursor in argument `field` and the position it names, or undefined for
 * none; throws BAD_USER_INPUT for one this server never issued.
 */
export function checkCursor(
  value: string | null | undefined,
  field: "after" | "before" = "after",
): { cursor: string; position: Position } | undefined {
  if (value === null || value === undefined) return undefined;
  const decoded = decodeCursor(value);
  if (decoded.kind === "legacy") {
    throw badUserInput(
      field,
      `${field} is a cursor of the old format (a post's timestamp), which cannot say what was ` +
        `delivered; start again without ${field} and use the new cursors (docs/API.md, Cursors)`,
    );
  }
  if (decoded.kind !== "position") {
    throw badUserInput(field, `${field} must be a cursor from a previous Tweet or page`);
  }
  return { cursor: value, position: decoded.position };
}

/** `from`/`to` as epoch ms, or undefined when neither is given; `to` before `from` is BAD_USER_INPUT. */
export function checkTimeRange(
  from: Date | null | undefined,
  to: Date | null | undefined,
): { from?: number; to?: number } | undefined {
  if (!from && !to) return undefined;
  if (from && to && to.getTime() < from.getTime()) {
    throw badUserInput("to", "to must not be before from");
  }
  return { ...(from ? { from: from.getTime() } : {}), ...(to ? { to: to.getTime() } : {}) };
}

/** The labels to keep, or undefined for all of them (no list, or an empty one). */
export function labelFilter(
  labels: readonly Label[] | null | undefined,
): readonly PostLabel[] | undefined {
  if (!labels || labels.length === 0) return undefined;
  return [...new Set(labels.map(postLabel))];
}

/** The sources to keep, or undefined for all of them (no list, or an empty one). */
export function sourceFilter(
  sources: readonly PostSource[] | null | undefined,
): readonly KafkaPostSource[] | undefined {
  if (!sources || sources.length === 0) return undefined;
  return [...new Set(sources.map(postSource))];
}

/**
 * Resolves once `slug` is a topic this process serves. A topic that the
 * catalogue has but this process's follower has not applied yet (created a
 * moment ago, perhaps through another process) is waited for; anything else
 * is NOT_FOUND.
 */
export async function requireLiveTopic(services: GatewayServices, slug: string): Promise<void> {
  if (services.live.has(slug)) return;
  const notFound = () => gatewayError("NOT_FOUND", `there is no topic with the slug ${slug}`);
  if (!SLUG_PATTERN.test(slug)) throw notFound();
  const record = await services.topics.get(slug);
  if (!record || record.status === "DELETING") throw notFound();
  if (!(await services.live.waitUntilLive(slug, LIVE_TOPIC_WAIT_MS))) throw notFound();
}
