// Topic and offset operations, through the one kafkajs admin client of each
// KafkaClient, run one at a time.
//
// Why one at a time: kafkajs' admin client (2.2.4) remembers every topic it has
// looked at and refreshes their metadata before each operation (`targetTopics`
// in cluster/index.js). Adding a topic to that list keeps a copy of the list
// and puts the copy back when the refresh fails; `deleteTopics` removes the
// topics it deleted. An operation that adds a topic while another deletes one
// thus fails its refresh on the deleted topic and brings it back, and the
// client then fails every later refresh: offsets, creations and deletions
// alike, for good. Two deletions at once also fail each other (kafkajs retries
// for ~25 s, sending the topic it already deleted again). So AdminQueue runs
// the client's admin operations one after the other, and callers need no lock.
// Not covered: a topic that another process deletes while this client
// remembers it fails this client's refreshes the same way.
import type { Admin, Kafka, PartitionMetadata } from "kafkajs";
import { TweetreamError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { TopicNames } from "../topics.ts";
import { TOPIC_READY_TIMEOUT_MS } from "./settings.ts";

/** A topic to create if it does not exist. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

/** A kafkajs admin client, connected on first use, that runs one operation at a time. */
export class AdminQueue {
  readonly #kafka: Kafka;
  #admin: Promise<Admin> | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(kafka: Kafka) {
    this.#kafka = kafka;
  }

  /**
   * Runs `operation` once every operation queued before it has settled (a
   * failed one does not block the next). It gets the admin client, not the
   * queue, so it cannot queue another operation and wait for itself.
   */
  run<T>(operation: (admin: Admin) => Promise<T>): Promise<T> {
    const result = this.#tail.then(async () => operation(await this.#connected()));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs `operation` at once, beside the queue. Only for requests that name no
   * topic (kafkajs then refreshes no topic list): a readiness check must not
   * wait behind a topic deletion.
   */
  async runNow<T>(operation: (admin: Admin) => Promise<T>): Promise<T> {
    return operation(await this.#connected());
  }

  async #connected(): Promise<Admin> {
    this.#admin ??= (async () => {
      const admin = this.#kafka.admin();
      await admin.connect();
      return admin;
    })();
    try {
      return await this.#admin;
    } catch (error) {
      this.#admin = undefined;
      throw error;
    }
  }

  /** Disconnects the admin client, if it was connected; a later operation connects again. */
  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    if (admin) await (await admin).disconnect();
  }
}

/** Creates the topics of `specs` that are missing; see `KafkaClient.ensureTopics`. */
export async function ensureTopics(
  admin: Admin,
  logger: Logger,
  specs: readonly TopicSpec[],
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (error) {
    // On a multi-broker cluster kafkajs asks one broker for the new leaders
    // before that broker has the topic in its metadata, and gives up on
    // UNKNOWN_TOPIC_OR_PARTITION ("does not host this topic-partition"),
    // retrying only LEADER_NOT_AVAILABLE. The topics are created by then:
    // verify below instead of failing.
    if (!isTransientTopicError(error)) throw error;
    logger.warn(
      { err: error, topics: missing.map((s) => s.topic) },
      "topic creation reported a transient error; checking the topics",
    );
  }
  await waitForLeaders(admin, missing);
  const created = missing.map((s) => s.topic);
  logger.info({ topics: created }, "created Kafka topics");
  return created;
}

/** Waits until each topic exists with all its partitions led; throws naming the missing ones. */
async function waitForLeaders(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
  let pending = specs.map((s) => s.topic);
  let lastError: unknown;
  for (let delayMs = 100; ; delayMs = Math.min(2000, delayMs * 2)) {
    try {
      const present = new Set(await admin.listTopics());
      const listed = pending.filter((topic) => present.has(topic));
      const { topics } =
        listed.length === 0 ? { topics: [] } : await admin.fetchTopicMetadata({ topics: listed });
      const ready = new Set(
        topics
          .filter((t) => {
            const want = specs.find((s) => s.topic === t.name)?.partitions ?? 1;
            return t.partitions.length >= want && t.partitions.every((p) => p.leader >= 0);
          })
          .map((t) => t.name),
      );
      pending = pending.filter((topic) => !ready.has(topic));
      if (pending.length === 0) return;
    } catch (error) {
      if (!isTransientTopicError(error)) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new TweetreamError(
        `Kafka topics not ready after ${TOPIC_READY_TIMEOUT_MS / 1000}s (missing or without a partition leader): ${pending.join(", ")}`,
        { retriable: true, cause: lastError },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

/** Deletes the named topics that exist. */
export async function deleteTopics(admin: Admin, names: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((n) => existing.has(n));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 10_000 });
}

/** Each partition's next offset to be written (its high watermark). */
export async function endOffsets(
  admin: Admin,
  topic: string,
): Promise<{ partition: number; offset: string }[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map(({ partition, high }) => ({ partition, offset: high }));
}

/** Each partition's first kept and next offset, by partition. */
export async function offsetRanges(
  admin: Admin,
  topic: string,
): Promise<{ partition: number; low: string; high: string }[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map(({ partition, low, high }) => ({ partition, low, high }))
    .sort((a, b) => a.partition - b.partition);
}

/** Each partition's first offset at or after `timestamp`, else its high watermark. */
export async function offsetsAtTime(
  admin: Admin,
  topic: string,
  timestamp: number,
): Promise<{ partition: number; offset: string }[]> {
  const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
  return offsets
    .map(({ partition, offset }) => ({ partition, offset }))
    .sort((a, b) => a.partition - b.partition);
}

/** A group's state, members and committed offsets on `topic`; see `KafkaClient.describeGroup`. */
export async function describeGroup(
  admin: Admin,
  groupId: string,
  topic?: string,
): Promise<{ state: string; members: string[]; offsets: { partition: number; offset: string }[] }> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  const committed =
    topic === undefined ? [] : await admin.fetchOffsets({ groupId, topics: [topic] });
  return {
    state: group?.state ?? "Dead",
    members: group?.members.map((m) => m.memberId) ?? [],
    offsets: (committed[0]?.partitions ?? [])
      .map(({ partition, offset }) => ({ partition, offset }))
      .sort((a, b) => a.partition - b.partition),
  };
}

/** A topic's partitions as the cluster knows them now (none if it has no metadata). */
export async function topicPartitions(admin: Admin, topic: string): Promise<PartitionMetadata[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions ?? [];
}

/** Partition count of a topic, or undefined if it does not exist. */
export async function partitionCount(admin: Admin, topic: string): Promise<number | undefined> {
  if (!(await admin.listTopics()).includes(topic)) return undefined;
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions.length;
}

/** Errors kafkajs reports while a new topic's metadata spreads over the brokers. */
function isTransientTopicError(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const type = "type" in cause ? cause.type : undefined;
    if (
      type === "UNKNOWN_TOPIC_OR_PARTITION" ||
      type === "LEADER_NOT_AVAILABLE" ||
      type === "REQUEST_TIMED_OUT" ||
      type === "NOT_CONTROLLER" ||
      cause.name === "KafkaJSTimeout"
    )
      return true;
  }
  return false;
}

/** The topics every deployment needs, sized by configuration. */
export function coreTopicSpecs(
  topics: TopicNames,
  options: { partitions: number; replicationFactor: number },
): TopicSpec[] {
  const { partitions, replicationFactor } = options;
  return [
    // One partition keeps every change in one total order; compaction keeps the latest per slug.
    {
      topic: topics.control,
      partitions: 1,
      replicationFactor,
      config: { "cleanup.policy": "compact", "min.compaction.lag.ms": "0" },
    },
    { topic: topics.preprocessed, partitions, replicationFactor },
    { topic: topics.deleted, partitions, replicationFactor },
    { topic: topics.deadLetter, partitions: 1, replicationFactor },
  ];
}
