// Graceful shutdown on a real broker: streamer (synthetic source) and
// classifier run as real processes and get SIGTERM mid-stream. Each must exit 0
// promptly, leave its consumer group at once (not after a session timeout), and
// lose no post it acknowledged: everything the streamer published is classified
// once the classifier is started again and has drained the backlog.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  coreTopicSpecs,
  createKafkaClient,
  createLogger,
  jsonDecoder,
  PreprocessedPost,
  topicNames,
  type Consumer,
  type KafkaClient,
  type Producer,
} from "@tweetream/shared";
import { topicUpsertRecord, uniqueName, waitFor } from "@tweetream/shared/testing";
import {
  freePort,
  killAll,
  logLine,
  signalAndWait,
  startService,
  withOutput,
  type ServiceProcess,
} from "./process-helpers.ts";

const brokers = inject("kafkaBrokers");
const topics = topicNames(uniqueName("shutdown"));
const logger = createLogger("graceful-shutdown", "warn");
const PARTITIONS = 3;
const SLUG = "lalin";
// Matches about 60% of the synthetic posts; the rest the streamer drops as unmatched.
const RULE = "macet OR jalan OR jl OR tol OR lancar OR padat OR lalin OR di";
const groupId = `${topics.prefix}.classifier`;
const common = {
  KAFKA_BROKERS: brokers,
  KAFKA_TOPIC_PREFIX: topics.prefix,
  KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
  LOG_LEVEL: "info",
};

let kafka: KafkaClient;
let control: Producer;
const readers: Consumer[] = [];
/** How often each post id arrived on the user topic. */
const classified = new Map<string, number>();
/** Post ids read back from the preprocessed topic, and how far each partition was read. */
const preprocessed: string[] = [];
const readUpTo = new Map<number, bigint>();

/** Records before these offsets, summed over partitions (-1, "no commit yet", counts as 0). */
const total = (offsets: readonly { offset: string }[]) =>
  offsets.reduce((sum, o) => sum + (BigInt(o.offset) > 0n ? BigInt(o.offset) : 0n), 0n);

async function startClassifier(
  env: Readonly<Record<string, string>> = {},
): Promise<{ service: ServiceProcess; port: number }> {
  const port = await freePort();
  const service = startService("classifier", {
    ...common,
    ...env,
    CLASSIFIER_HEALTH_PORT: String(port),
  });
  return { service, port };
}

/** Waits until the group's committed offsets on the preprocessed topic equal its end offsets. */
async function waitUntilDrained(service: ServiceProcess): Promise<void> {
  const end = await kafka.endOffsets(topics.preprocessed);
  await waitFor(
    async () => {
      const { offsets } = await kafka.describeGroup(groupId, topics.preprocessed);
      const done = end.every(
        (e) => offsets.find((o) => o.partition === e.partition)?.offset === e.offset,
      );
      return done ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: "the classifier to drain the backlog" },
  ).catch((error: unknown) => {
    throw withOutput(service, error);
  });
}

beforeAll(async () => {
  kafka = createKafkaClient({ brokers: brokers.split(","), clientId: "shutdown", logger, topics });
  await kafka.ensureTopics([
    ...coreTopicSpecs(topics, { partitions: PARTITIONS, replicationFactor: 1 }),
    { topic: topics.user(SLUG), partitions: 2, replicationFactor: 1 },
  ]);
  control = await kafka.createProducer();
  await control.send([topicUpsertRecord(topics, SLUG, RULE)]);
  readers.push(
    await kafka.startConsumer<ClassifiedPost>({
      groupId: uniqueName("shutdown-output"),
      topics: [topics.user(SLUG)],
      fromBeginning: true,
      deleteGroupOnStop: true,
      decode: jsonDecoder(ClassifiedPost),
      onBatch: async (records) => {
        for (const { value } of records) {
          classified.set(value.id, (classified.get(value.id) ?? 0) + 1);
        }
      },
    }),
  );
});

afterAll(async () => {
  await killAll();
  await Promise.all(readers.map((r) => r.stop()));
  await control.disconnect();
  await kafka.deleteTopics([
    topics.preprocessed,
    topics.deleted,
    topics.control,
    topics.deadLetter,
    topics.user(SLUG),
  ]);
  await kafka.close();
});

describe("graceful shutdown", () => {
  it("stops streamer and classifier on SIGTERM mid-stream: exit 0, no member left, no post lost", async () => {
    const startedAt = Date.now();
    const streamerPort = await freePort();
    const streamer = startService("streamer", {
      ...common,
      STREAMER_HEALTH_PORT: String(streamerPort),
      STREAMER_SOURCE: "synthetic",
      SYNTHETIC_RATE: "800",
    });
    await streamer.waitUntilReady();
    // A backlog first, so the classifier is busy draining it when the signal comes.
    await waitFor(
      async () => (total(await kafka.endOffsets(topics.preprocessed)) >= 1000n ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 100, what: "a backlog on the preprocessed topic" },
    ).catch((error: unknown) => {
      throw withOutput(streamer, error);
    });
    // Small model batches: a fetched batch takes many model calls and sends, so
    // the signal lands in the middle of one.
    const first = await startClassifier({ CLASSIFIER_BATCH_SIZE: "32" });
    await first.service.waitUntilReady();
    await waitFor(() => (classified.size >= 200 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 20,
      what: "posts to flow through the pipeline",
    }).catch((error: unknown) => {
      throw withOutput(first.service, error);
    });

    // The classifier first, mid-drain, while the streamer keeps publishing.
    const classifiedAtSignal = classified.size;
    const classifierStop = await signalAndWait(first.service, "SIGTERM");
    expect(classifierStop, first.service.output()).toMatchObject({ code: 0, signal: null });
    // It said goodbye: no member waits out a session timeout.
    const afterStop = await kafka.describeGroup(groupId, topics.preprocessed);
    expect(afterStop.members).toEqual([]);
    // Everything it handled is committed (the group started at offset 0), so
    // its successor will not classify any of it again.
    const committedAtStop = total(afterStop.offsets);
    const consumed = logLine(first.service, "classifier stopped")?.consumed;
    expect(consumed, first.service.output()).toBe(Number(committedAtStop));

    // The streamer mid-stream, with a backlog growing behind the stopped classifier.
    // (A repeated SIGTERM while stopping is covered by packages/shared/test/lifecycle.test.ts:
    // this streamer may have exited before a second signal could reach it.)
    await waitFor(
      async () =>
        total(await kafka.endOffsets(topics.preprocessed)) > committedAtStop + 500n
          ? true
          : undefined,
      { timeoutMs: 30_000, intervalMs: 100, what: "the backlog to grow" },
    );
    const streamerStop = await signalAndWait(streamer, "SIGTERM");
    expect(streamerStop, streamer.output()).toMatchObject({ code: 0, signal: null });
    const published = logLine(streamer, "streamer stopped")?.published;
    expect(typeof published).toBe("number");

    // Every post the streamer counted as acknowledged is in the topic, and nothing else.
    const end = await kafka.endOffsets(topics.preprocessed);
    expect(Number(total(end))).toBe(published);
    readers.push(
      await kafka.startConsumer<PreprocessedPost>({
        groupId: uniqueName("shutdown-input"),
        topics: [topics.preprocessed],
        fromBeginning: true,
        deleteGroupOnStop: true,
        decode: jsonDecoder(PreprocessedPost),
        onBatch: async (records) => {
          for (const { value, raw } of records) {
            preprocessed.push(value.id);
            readUpTo.set(raw.partition, BigInt(raw.offset) + 1n);
          }
        },
      }),
    );
    await waitFor(
      () =>
        end.every((e) => (readUpTo.get(e.partition) ?? 0n) >= BigInt(e.offset)) ? true : undefined,
      { timeoutMs: 30_000, intervalMs: 100, what: "the preprocessed topic read back" },
    );
    expect(preprocessed).toHaveLength(Number(published));
    expect(new Set(preprocessed).size).toBe(preprocessed.length);

    // A new classifier resumes from the committed offsets and drains the backlog.
    const second = await startClassifier();
    await second.service.waitUntilReady();
    await waitUntilDrained(second.service);
    const missing = () => preprocessed.filter((id) => !classified.has(id));
    await waitFor(() => (missing().length === 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: "every published post on the user topic",
    }).catch((error: unknown) => {
      throw withOutput(second.service, `${String(error)}; ${missing().length} missing`);
    });
    expect(missing()).toEqual([]);
    // A graceful stop commits what it handled, so nothing is classified twice.
    const duplicates = [...classified.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(duplicates).toBe(0);

    const secondStop = await signalAndWait(second.service, "SIGTERM");
    expect(secondStop, second.service.output()).toMatchObject({ code: 0, signal: null });
    expect((await kafka.describeGroup(groupId)).members).toEqual([]);
    // Each catalogue follower deleted its private group on the way out (it warns if it could not).
    for (const service of [first.service, streamer, second.service]) {
      expect(logLine(service, "could not delete consumer group"), service.output()).toBeUndefined();
    }

    // Figures for docs/OPERATIONS.md ("Scaling and shutdown, as tested").
    console.info(
      `graceful-shutdown: classifier stopped mid-drain in ${classifierStop.ms} ms ` +
        `(${classifiedAtSignal} classified at the signal, ${String(consumed)} consumed and committed ` +
        `at exit), streamer in ${streamerStop.ms} ms after publishing ${String(published)}; ` +
        `restarted classifier drained and stopped in ${secondStop.ms} ms; ` +
        `${preprocessed.length} posts classified, ${duplicates} duplicates; ` +
        `test body ${Date.now() - startedAt} ms`,
    );
  });

  it("stops cleanly when SIGTERM arrives during start-up", async () => {
    // The window between the catalogue follower joining its group and the
    // classifier being ready is short (55-90 ms measured on a quiet machine), so
    // a signal can land just after it; that stop must be clean too, and the next
    // attempt tries again. (stopOnSignals's start-up path on its own is checked
    // deterministically in packages/shared/test/lifecycle.test.ts.)
    const duringStartUp: boolean[] = [];
    for (let attempt = 0; attempt < 3 && !duringStartUp.includes(true); attempt++) {
      const { service } = await startClassifier();
      await waitFor(() => logLine(service, "catalogue loaded from the control topic"), {
        timeoutMs: 60_000,
        intervalMs: 5,
        what: "the classifier to be half-way through start-up",
      }).catch((error: unknown) => {
        throw withOutput(service, error);
      });
      const exit = await signalAndWait(service, "SIGTERM");
      expect(exit, service.output()).toMatchObject({ code: 0, signal: null });
      expect(logLine(service, "stopped"), service.output()).toBeDefined();
      expect((await kafka.describeGroup(groupId)).members).toEqual([]);
      duringStartUp.push(logLine(service, "stopping")?.duringStartUp === true);
    }
    expect(duringStartUp, "no signal landed during start-up").toContain(true);
  });

  it("stops web cleanly when SIGTERM arrives during its start-up", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tweetream-web-start-"));
    const web = startService("web", {
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: topics.prefix,
      DATABASE_URL: `file:${path.join(dir, "catalogue.db")}`,
      PORT: String(await freePort()),
      WEB_HEALTH_PORT: String(await freePort()),
      WEB_DASHBOARD: "off",
      NODE_ENV: "test",
      LOG_LEVEL: "info",
    });
    try {
      // The first thing start-up logs (no ADMIN_TOKEN); migrating the catalogue
      // and joining Kafka take seconds after it.
      await waitFor(
        () => logLine(web, "ADMIN_TOKEN is not set; generated this admin token for this run"),
        {
          timeoutMs: 60_000,
          intervalMs: 5,
          what: "web to be starting",
        },
      ).catch((error: unknown) => {
        throw withOutput(web, error);
      });
      const exit = await signalAndWait(web, "SIGTERM");
      expect(exit, web.output()).toMatchObject({ code: 0, signal: null });
      expect(logLine(web, "stopping")?.duringStartUp, web.output()).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
