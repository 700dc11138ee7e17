/** Every Kafka topic name Tweetream uses, in one place (see docs/TOPICS.md). */
export const CONTROL_TOPIC = "tweetream.control";
export const PREPROCESSED_TOPIC = "tweetream.tweets.preprocessed";
export const DEAD_LETTER_TOPIC = "tweetream.dlq";
const USER_TOPIC_PREFIX = "tweetream.topic.";

/**
 * A topic slug: lowercase letters, digits and single hyphens, 2 to 63
 * characters, starting with a letter or digit. Safe in URLs and in Kafka topic
 * names (Kafka allows [a-zA-Z0-9._-], at most 249 characters).
 */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,62}$/;

/** The Kafka topic that carries the classified posts of one user topic. */
export function userTopicName(slug: string): string {
  if (!SLUG_PATTERN.test(slug)) throw new RangeError(`invalid topic slug: ${JSON.stringify(slug)}`);
  return USER_TOPIC_PREFIX + slug;
}

/** The slug of a user-topic Kafka topic name, or undefined for any other topic. */
export function slugOfUserTopic(topicName: string): string | undefined {
  if (!topicName.startsWith(USER_TOPIC_PREFIX)) return undefined;
  const slug = topicName.slice(USER_TOPIC_PREFIX.length);
  return SLUG_PATTERN.test(slug) ? slug : undefined;
}
