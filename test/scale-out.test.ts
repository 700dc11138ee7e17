// Horizontal scale on a real broker: two classifier PROCESSES share the
// partitions of the preprocessed topic in one consumer group; one is killed
// with SIGKILL mid-stream (no goodbye to the group), and the survivor must take
// over its partitions and deliver every post at least once.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  coreTopicSpecs,
  createKafkaClient,
  createLogger,
  encodeMessage,
  jsonDecoder,
  PreprocessedPost,
  topicNames,
  type Consumer,
  type KafkaClient,
  type Producer,
} from "@tweetream/shared";
import { topicUpsertRecord, uniqueName, waitFor } from "@tweetream/shared/testing";
import {
  consumedPartitions,
  freePort,
  killAll,
  signalAndWait,
  startService,
  withOutput,
  type ServiceProcess,
} from "./process-helpers.ts";

const brokers = inject("kafkaBrokers");
const topics = topicNames(uniqueName("scale"));
const logger = createLogger("scale-out", "warn");
const PARTITIONS = 4;
const SLUG = "macet";
// The classifier's default group: the replicas find each other by prefix alone.
const groupId = `${topics.prefix}.classifier`;
const BATCH = 100;

let kafka: KafkaClient;
let producer: Producer;
let reader: Consumer | undefined;
/** How often each post id arrived on the user topic. */
const arrivals = new Map<string, number>();
const produced: string[] = [];

/** Publishes `n` posts tagged with SLUG straight to the preprocessed topic, as the streamer would. */
async function produce(n: number): Promise<void> {
  const ingestedAt = Date.now();
  const records = Array.from({ length: n }, () => {
    const id = `${topics.prefix}-${produced.length}`;
    produced.push(id);
    const post: PreprocessedPost = {
      v: 1,
      id,
      source: "synthetic",
      text: `Macet total di Jl. Sudirman, post ${id}`,
      cleanText: "macet total jalan sudirman",
      author: { id: "7", username: "warga" },
      createdAt: new Date(ingestedAt).toISOString(),
      lang: "id",
      topics: [SLUG],
      ingestedAt,
    };
    return { topic: topics.preprocessed, key: id, value: encodeMessage(PreprocessedPost, post) };
  });
  await producer.send(records);
}

const missing = () => produced.filter((id) => !arrivals.has(id));
const duplicates = () => [...arrivals.values()].reduce((sum, n) => sum + n - 1, 0);

async function endOffsets(): Promise<Map<number, string>> {
  return new Map((await kafka.endOffsets(topics.preprocessed)).map((p) => [p.partition, p.offset]));
}

async function startClassifier(name: string): Promise<{ service: ServiceProcess; port: number }> {
  const port = await freePort();
  const service = startService(
    "classifier",
    {
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: topics.prefix,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      CLASSIFIER_HEALTH_PORT: String(port),
      LOG_LEVEL: "info",
    },
    name,
  );
  return { service, port };
}

beforeAll(async () => {
  kafka = createKafkaClient({ brokers: brokers.split(","), clientId: "scale-out", logger, topics });
  await kafka.ensureTopics([
    ...coreTopicSpecs(topics, { partitions: PARTITIONS, replicationFactor: 1 }),
    { topic: topics.user(SLUG), partitions: 2, replicationFactor: 1 },
  ]);
  producer = await kafka.createProducer();
  await producer.send([topicUpsertRecord(topics, SLUG, "macet")]);
  reader = await kafka.startConsumer<ClassifiedPost>({
    groupId: uniqueName("scale-reader"),
    topics: [topics.user(SLUG)],
    fromBeginning: true,
    deleteGroupOnStop: true,
    decode: jsonDecoder(ClassifiedPost),
    onBatch: async (records) => {
      for (const { value } of records) arrivals.set(value.id, (arrivals.get(value.id) ?? 0) + 1);
    },
  });
});

afterAll(async () => {
  await killAll();
  await reader?.stop();
  await kafka.deleteTopics([
    topics.preprocessed,
    topics.deleted,
    topics.control,
    topics.deadLetter,
    topics.user(SLUG),
  ]);
  await kafka.close();
});

describe("classifier scale-out", () => {
  it("shares partitions between two processes and loses no post when one is killed -9", async () => {
    const startedAt = Date.now();
    const [a, b] = await Promise.all([
      startClassifier("classifier-a"),
      startClassifier("classifier-b"),
    ]);
    await Promise.all([a.service.waitUntilReady(), b.service.waitUntilReady()]);
    await waitFor(
      async () => {
        const group = await kafka.describeGroup(groupId);
        return group.state === "Stable" && group.members.length === 2 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "a stable group of two classifiers" },
    );

    // Phase 1: both replicas work, each on its own share of the partitions.
    await produce(1000);
    const shares = await waitFor(
      async () => {
        const pa = await consumedPartitions(a.port, topics.preprocessed);
        const pb = await consumedPartitions(b.port, topics.preprocessed);
        return pa.length + pb.length === PARTITIONS ? [pa, pb] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: "both classifiers to consume" },
    );
    const [partitionsA = [], partitionsB = []] = shares;
    expect(partitionsA.length).toBeGreaterThan(0);
    expect(partitionsB.length).toBeGreaterThan(0);
    expect([...partitionsA, ...partitionsB].sort()).toEqual([0, 1, 2, 3]);

    // Phase 2: keep producing; B dies without leaving the group after the fifth batch.
    let killedAt = 0;
    let producedAtKill = 0;
    for (let i = 0; i < 20; i++) {
      await produce(BATCH);
      if (i === 4) {
        producedAtKill = produced.length;
        killedAt = Date.now();
        b.service.child.kill("SIGKILL");
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const killed = await b.service.exited;
    expect(killed.signal).toBe("SIGKILL");

    // The coordinator drops B only when its session times out; then A gets every partition.
    await waitFor(
      async () => {
        const group = await kafka.describeGroup(groupId);
        return group.state === "Stable" && group.members.length === 1 ? true : undefined;
      },
      { timeoutMs: 75_000, intervalMs: 250, what: "the group to shrink to the survivor" },
    ).catch((error: unknown) => {
      throw withOutput(a.service, error);
    });
    const takeoverMs = Date.now() - killedAt;

    // Phase 3: fresh posts to every partition, which only the survivor can classify.
    const before = await endOffsets();
    await produce(BATCH);
    const after = await endOffsets();
    expect(
      [...after].filter(([p, end]) => BigInt(end) > BigInt(before.get(p) ?? "0")),
    ).toHaveLength(PARTITIONS);

    await waitFor(() => (missing().length === 0 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: "every produced post on the user topic",
    }).catch((error: unknown) => {
      throw withOutput(a.service, `${String(error)}; ${missing().length} missing`);
    });
    expect(missing()).toEqual([]);
    expect(a.service.exit()).toBeUndefined();
    expect(await consumedPartitions(a.port, topics.preprocessed)).toEqual([0, 1, 2, 3]);
    // The survivor committed every partition up to its end, its own and B's.
    await waitFor(
      async () => {
        const { offsets } = await kafka.describeGroup(groupId, topics.preprocessed);
        return offsets.length === PARTITIONS &&
          offsets.every((o) => after.get(o.partition) === o.offset)
          ? true
          : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: "committed offsets to reach the end" },
    );

    const stopped = await signalAndWait(a.service, "SIGTERM");
    expect(stopped.code).toBe(0);
    expect((await kafka.describeGroup(groupId)).members).toEqual([]);
    // Figures for docs/OPERATIONS.md ("Scaling and shutdown, as tested").
    console.info(
      `scale-out: ${produced.length} posts, killed B after ${producedAtKill}; ` +
        `partitions before kill A=${partitionsA.join(",")} B=${partitionsB.join(",")}; ` +
        `survivor took over after ${takeoverMs} ms; duplicates delivered: ${duplicates()}; ` +
        `test body ${Date.now() - startedAt} ms`,
    );
  });
});
