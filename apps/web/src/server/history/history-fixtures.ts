// Test data for the history tests (not used by the server): a topic's Kafka
// log with posts at chosen timestamps on chosen partitions.
import {
  ClassifiedPost,
  createKafkaClient,
  createLogger,
  encodeMessage,
  type KafkaClient,
  type PostLabel,
  type TopicNames,
} from "@tweetream/shared";
import { uniqueName } from "@tweetream/shared/testing";
import { inject } from "vitest";
import { classifiedPost } from "../hub/hub-fixtures.ts";

/** A Kafka client of the test broker for `topics`, logging warnings as `name`. */
export function testKafka(name: string, topics: TopicNames): KafkaClient {
  return createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: uniqueName(name),
    logger: createLogger(name, "warn"),
    topics,
  });
}

/** Two hours ago: Kafka refuses record timestamps more than an hour ahead of its clock. */
export const T0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000;

export interface SeededPost {
  id: string;
  partition: number;
  timestamp: number;
  label: PostLabel;
}

/** `count` posts: post i on partition i % 3 at T0 + i s, partition 2's clock 1.5 s behind. */
export function seededPosts(count: number): SeededPost[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `p${String(i).padStart(3, "0")}`,
    partition: i % 3,
    timestamp: T0 + i * 1000 - (i % 3 === 2 ? 1500 : 0),
    label: i % 4 === 0 ? "non_traffic" : "traffic",
  }));
}

/**
 * Creates the user topic `slug` (3 partitions, with `config`) and writes
 * `posts` to it, 20 per send.
 */
export async function seedTopic(
  kafka: KafkaClient,
  topics: TopicNames,
  slug: string,
  posts: readonly SeededPost[],
  options: { text?: (post: SeededPost) => string; config?: Record<string, string> } = {},
): Promise<void> {
  const { text, config } = options;
  await kafka.ensureTopics([
    {
      topic: topics.user(slug),
      partitions: 3,
      replicationFactor: 1,
      ...(config ? { config } : {}),
    },
  ]);
  const producer = await kafka.createProducer();
  // Several sends, so partitions hold several record batches.
  for (let at = 0; at < posts.length; at += 20) {
    await producer.send(
      posts.slice(at, at + 20).map((p) => ({
        topic: topics.user(slug),
        key: p.id,
        partition: p.partition,
        timestamp: p.timestamp,
        value: encodeMessage(ClassifiedPost, {
          ...classifiedPost(p.id, p.label, slug),
          ...(text ? { text: text(p) } : {}),
        }),
      })),
    );
  }
  await producer.disconnect();
}
