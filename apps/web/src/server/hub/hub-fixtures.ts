// Test data for the hub's tests (not used by the server).
import type { ClassifiedPost, PostLabel, PreprocessedPost } from "@tweetream/shared";
import type { HubEnd, TopicPost, HubSubscription, PostHub } from "./post-hub.ts";

/** A valid classified post with id `id` and label `label`. */
export function classifiedPost(
  id: string,
  label: PostLabel = "traffic",
  topic = "jakarta-traffic",
): ClassifiedPost {
  return {
    v: 1,
    id,
    source: "synthetic",
    text: `Macet parah di Jl. Sudirman (${id})`,
    cleanText: "macet parah jalan sudirman",
    author: { id: "42", username: "warga_jkt" },
    createdAt: "2026-11-26T08:00:00.000Z",
    lang: "id",
    topics: [topic],
    ingestedAt: 1_795_000_000_000,
    label,
    score: label === "not_classified" ? 0 : 0.9,
    model: { name: "traffic-nb", version: "1" },
    ...(label === "not_classified" ? { gate: { language: "en", by: "tag" as const } } : {}),
    classifiedAt: 1_795_000_000_100,
  };
}

/** `classifiedPost(id, "traffic", topic)` as the streamer wrote it, before classification. */
export function preprocessedPost(id: string, topic?: string): PreprocessedPost {
  const {
    label: _l,
    score: _s,
    model: _m,
    classifiedAt: _c,
    ...post
  } = classifiedPost(id, "traffic", topic);
  return post;
}

/**
 * Subscribes to `slug` with a sink that is always ready: `onItem` for each
 * item, `onEnd` at the end (the tests' stand-in for a socket that keeps up).
 */
export function listen(
  hub: PostHub,
  slug: string,
  onItem: (item: TopicPost) => void,
  onEnd: (reason: HubEnd) => void,
  options: { after?: string; labels?: PostLabel[] } = {},
): HubSubscription {
  return hub.subscribe(slug, options, { ready: () => true, write: onItem, end: onEnd });
}
