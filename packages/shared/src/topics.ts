/**
 * Every Kafka topic name Tweetream uses, in one place (see docs/TOPICS.md).
 * All names share a prefix (`KAFKA_TOPIC_PREFIX`, default `tweetream`), so
 * several deployments, or tests, can share one cluster without meeting.
 */
export const DEFAULT_TOPIC_PREFIX = "tweetream";

/** A topic prefix: Kafka's legal characters, at most 100 of them (names are ≤ 249). */
export const TOPIC_PREFIX_PATTERN = /^[a-zA-Z0-9._-]{1,100}$/;

/**
 * A topic slug: lowercase letters, digits and single hyphens, 2 to 63
 * characters, starting with a letter or digit. Safe in URLs and in Kafka topic
 * names (Kafka allows [a-zA-Z0-9._-], at most 249 characters).
 */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,62}$/;

export interface TopicNames {
  readonly prefix: string;
  /** Compacted topic catalogue: key = slug, value = TopicUpserted or a tombstone. */
  readonly control: string;
  /** Cleaned, tagged posts: key = post id. */
  readonly preprocessed: string;
  /** Deletions the sources reported: key = post id, value = PostDeleted. */
  readonly deleted: string;
  /** Records a consumer could not process, with the reason in headers. */
  readonly deadLetter: string;
  /** The topic that carries the classified posts of one user topic. */
  user(slug: string): string;
  /** The slug of a user-topic name under this prefix, or undefined for any other topic. */
  slugOf(topicName: string): string | undefined;
}

/** The topic names under `prefix` (default `tweetream`). */
export function topicNames(prefix = DEFAULT_TOPIC_PREFIX): TopicNames {
  if (!TOPIC_PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(`invalid Kafka topic prefix: ${JSON.stringify(prefix)}`);
  }
  const userPrefix = `${prefix}.topic.`;
  return {
    prefix,
    control: `${prefix}.control`,
    preprocessed: `${prefix}.tweets.preprocessed`,
    deleted: `${prefix}.tweets.deleted`,
    deadLetter: `${prefix}.dlq`,
    user(slug) {
      if (!SLUG_PATTERN.test(slug)) {
        throw new RangeError(`invalid topic slug: ${JSON.stringify(slug)}`);
      }
      return userPrefix + slug;
    },
    slugOf(topicName) {
      if (!topicName.startsWith(userPrefix)) return undefined;
      const slug = topicName.slice(userPrefix.length);
      return SLUG_PATTERN.test(slug) ? slug : undefined;
    },
  };
}
