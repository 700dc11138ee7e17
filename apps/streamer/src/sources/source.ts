import type { PostSource } from "@tweetream/shared";

/** A post as a source delivers it, before preprocessing and topic matching. */
export interface RawPost {
  /** Unique per source; the Kafka key downstream. */
  id: string;
  text: string;
  author: { id: string; username: string };
  /** ISO 8601. */
  createdAt: string;
  /** BCP 47 tag as the source reports it, or "und". */
  lang: string;
  /**
   * ISO 8601, set on an edited version of a post the source delivered before
   * (a Mastodon `status.update`): it replaces the earlier versions everywhere.
   */
  editedAt?: string;
  /** A link to the post on its service, where there is one (https). */
  url?: string;
  /**
   * Hashtags the source knows of beyond those written in the text (Bluesky's
   * tag facets and outline `tags`), without `#`; rules' `#tag` terms match them.
   */
  hashtags?: readonly string[];
  /**
   * Topic slugs the source matched itself (the X source: X's `matching_rules`
   * tags). Undefined for sources whose posts the streamer matches against the
   * catalogue's rules.
   */
  matchedTopics?: readonly string[];
}

/** The topics a source may need to know about (the X source syncs them as stream rules). */
export type TopicRules = ReadonlyMap<string, string>;

/**
 * Called with each batch of posts, and the ids of posts the source says were
 * deleted; resolves once both are safely handed on (backpressure).
 */
export type Emit = (posts: readonly RawPost[], deletedIds?: readonly string[]) => Promise<void>;

/**
 * Where posts come from. `run` delivers batches through `emit`, awaiting each
 * call before producing more, until `signal` aborts (then it resolves) or the
 * source is exhausted (a file without looping).
 */
export interface Source {
  readonly kind: PostSource;
  run(emit: Emit, signal: AbortSignal): Promise<void>;
  /** Called at start and on every catalogue change with all current topics (slug → rule). */
  setTopics?(topics: TopicRules): Promise<void>;
}
