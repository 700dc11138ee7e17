// TopicAdmin against a real broker and real databases: a SQLite file always,
// and PostgreSQL when TWEETREAM_TEST_POSTGRES_URL points at a server whose role
// may create databases. Each suite has its own topic prefix and database.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openCatalogue, TopicStatus, type Catalogue } from "@tweetream/catalogue";
import { freshDatabase, testDatabases, type FreshDatabase } from "@tweetream/catalogue/testing";
import {
  coreTopicSpecs,
  createLogger,
  isRetriable,
  KafkaClient,
  topicNames,
  TopicUpserted,
  type TopicSpec,
} from "@tweetream/shared";
import { uniqueName, waitFor } from "@tweetream/shared/testing";
import { TopicAdmin } from "./topic-admin.ts";
import { TopicAdminError } from "./topic-admin-error.ts";

const brokers = inject("kafkaBrokers").split(",");
const logger = createLogger("topic-admin-test", "silent");

/** A real client whose next calls of the named admin operations fail once each. */
class FlakyKafka extends KafkaClient {
  readonly failNext = new Set<"ensureTopics" | "deleteTopics">();

  override async ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    if (this.failNext.delete("ensureTopics")) throw new Error("injected ensureTopics failure");
    return super.ensureTopics(specs);
  }

  override async deleteTopics(names: readonly string[]): Promise<void> {
    if (this.failNext.delete("deleteTopics")) throw new Error("injected deleteTopics failure");
    return super.deleteTopics(names);
  }
}

/** What `fn` threw, for matching on its fields. */
async function failureOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

for (const { provider, title, skipReason } of testDatabases()) {
  describe.skipIf(skipReason !== undefined)(`TopicAdmin on ${title}`, () => {
    const topics = topicNames(uniqueName("admin"));
    let database: FreshDatabase;
    let catalogue: Catalogue;
    let kafka: FlakyKafka;
    let admin: TopicAdmin;

    /** The last control-topic value per slug (null = tombstone), read from the beginning. */
    async function controlValues(): Promise<Map<string, string | null>> {
      const ends = new Map(
        (await kafka.endOffsets(topics.control)).map((p) => [p.partition, BigInt(p.offset)]),
      );
      const values = new Map<string, string | null>();
      const read = new Map<number, bigint>();
      const consumer = await kafka.startConsumer({
        groupId: uniqueName("admin-reader"),
        topics: [topics.control],
        fromBeginning: true,
        deleteGroupOnStop: true,
        decode: (raw) => raw,
        onBatch: async (records) => {
          for (const { raw } of records) {
            values.set(raw.key?.toString("utf8") ?? "", raw.value?.toString("utf8") ?? null);
            read.set(raw.partition, BigInt(raw.offset) + 1n);
          }
        },
      });
      try {
        await waitFor(
          () => ([...ends].every(([p, end]) => (read.get(p) ?? 0n) >= end) ? true : undefined),
          { what: "the control topic to be read" },
        );
      } finally {
        await consumer.stop();
      }
      return values;
    }

    async function controlTopicOf(slug: string): Promise<TopicUpserted | null | undefined> {
      const value = (await controlValues()).get(slug);
      return typeof value === "string" ? TopicUpserted.parse(JSON.parse(value)) : value;
    }

    const userTopicExists = async (slug: string) =>
      (await kafka.listTopics()).includes(topics.user(slug));

    const waitUntilGone = (slug: string) =>
      waitFor(async () => ((await userTopicExists(slug)) ? undefined : true), {
        what: `Kafka topic of ${slug} to go`,
      });

    const newAdmin = (
      options: { kafka?: KafkaClient; maxTopics?: number; deleteGraceMs?: number } = {},
    ) =>
      new TopicAdmin({
        catalogue,
        kafka: options.kafka ?? kafka,
        logger,
        partitions: 2,
        replicationFactor: 1,
        maxTopics: options.maxTopics ?? 1000,
        deleteGraceMs: options.deleteGraceMs ?? 0,
      });

    beforeAll(async () => {
      database = await freshDatabase(provider, { prefix: "admin" });
      catalogue = openCatalogue(database.url);
      kafka = new FlakyKafka({ brokers, clientId: "topic-admin-test", logger, topics });
      await kafka.ensureTopics(coreTopicSpecs(topics, { partitions: 1, replicationFactor: 1 }));
      admin = newAdmin();
    });

    afterAll(async () => {
      const leftovers = (await kafka.listTopics()).filter((t) => t.startsWith(`${topics.prefix}.`));
      await kafka.deleteTopics(leftovers);
      await kafka.close();
      await catalogue.close();
      await database.dispose();
    });

    it("creates, updates and deletes a topic in the catalogue and in Kafka", async () => {
      const created = await admin.create({
        slug: "jakarta-traffic",
        name: "  Jakarta traffic ",
        rule: "macet OR banjir",
        description: null,
      });
      expect(created).toMatchObject({
        slug: "jakarta-traffic",
        name: "Jakarta traffic",
        rule: "macet OR banjir",
        description: "",
        status: "ACTIVE",
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await kafka.partitionCount(topics.user("jakarta-traffic"))).toBe(2);
      expect(await controlTopicOf("jakarta-traffic")).toEqual({
        v: 1,
        type: "topic.upserted",
        slug: "jakarta-traffic",
        name: "Jakarta traffic",
        rule: "macet OR banjir",
        description: "",
        updatedAt: created.updatedAt.toISOString(),
      });
      expect(await admin.get("jakarta-traffic")).toEqual(created);
      expect((await admin.list()).map((t) => t.slug)).toContain("jakarta-traffic");

      const updated = await admin.update("jakarta-traffic", {
        rule: "macet lang:id",
        description: "Jams in Jakarta",
        name: null,
      });
      expect(updated).toMatchObject({
        name: "Jakarta traffic",
        rule: "macet lang:id",
        description: "Jams in Jakarta",
        status: "ACTIVE",
      });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
      expect(await controlTopicOf("jakarta-traffic")).toMatchObject({
        rule: "macet lang:id",
        description: "Jams in Jakarta",
        updatedAt: updated.updatedAt.toISOString(),
      });

      await admin.delete("jakarta-traffic");
      expect(await controlTopicOf("jakarta-traffic")).toBeNull();
      await waitUntilGone("jakarta-traffic");
      expect(await admin.get("jakarta-traffic")).toBeUndefined();
      expect(await catalogue.db.topic.count({ where: { slug: "jakarta-traffic" } })).toBe(0);
    });

    it("keeps the Kafka topic for deleteGraceMs after the tombstone", async () => {
      const patient = newAdmin({ deleteGraceMs: 1500 });
      await patient.create({ slug: "patient", name: "P", rule: "x" });
      const started = Date.now();
      const deletion = patient.delete("patient");
      await waitFor(async () =>
        (await admin.get("patient"))?.status === "DELETING" ? true : undefined,
      );
      expect(await userTopicExists("patient")).toBe(true);
      await deletion;
      expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
      await waitUntilGone("patient");
      expect(await controlTopicOf("patient")).toBeNull();
    });

    it("refuses bad input with the field (and the position in a rule)", async () => {
      const ok = { slug: "valid-slug", name: "Valid", rule: "macet" };
      const cases = [
        [{ ...ok, slug: "../x" }, { field: "slug" }],
        [{ ...ok, slug: "a/b" }, { field: "slug" }],
        [{ ...ok, slug: "ünï" }, { field: "slug" }],
        [{ ...ok, slug: "x'; DROP TABLE topic;--" }, { field: "slug" }],
        [{ ...ok, slug: "a".repeat(64) }, { field: "slug" }],
        [{ ...ok, name: "  " }, { field: "name" }],
        [{ ...ok, name: "n".repeat(101) }, { field: "name" }],
        [{ ...ok, description: "d".repeat(501) }, { field: "description" }],
        [
          { ...ok, rule: "a (b" },
          { field: "rule", position: 4 },
        ],
        [
          { ...ok, rule: "x".repeat(100_000) },
          { field: "rule", position: 1024 },
        ],
      ] as const;
      for (const [input, expected] of cases) {
        const error = await failureOf(() => admin.create(input));
        expect(error).toBeInstanceOf(TopicAdminError);
        expect(error).toMatchObject({ code: "BAD_USER_INPUT", retriable: false, ...expected });
      }
      await admin.create(ok);
      expect(await failureOf(() => admin.update("valid-slug", { rule: "a OR" }))).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "rule",
        position: 4,
      });
      expect(await failureOf(() => admin.update("valid-slug", { name: "" }))).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "name",
      });
      // Nothing refused reached the catalogue or Kafka.
      expect((await admin.list()).map((t) => t.slug)).toEqual(["valid-slug"]);
      expect((await admin.get("valid-slug"))?.rule).toBe("macet");
      expect((await kafka.listTopics()).filter((t) => topics.slugOf(t) !== undefined)).toEqual([
        topics.user("valid-slug"),
      ]);
      await admin.delete("valid-slug");
    });

    it("refuses a taken slug, even to two creations at once", async () => {
      const input = { slug: "dup", name: "Dup", rule: "macet" };
      await admin.create(input);
      expect(await failureOf(() => admin.create(input))).toMatchObject({
        code: "CONFLICT",
        field: "slug",
      });
      // Same process (serialized per slug) and another process (the unique constraint).
      const other = newAdmin();
      const results = await Promise.allSettled([
        admin.create({ ...input, slug: "race" }),
        admin.create({ ...input, slug: "race" }),
        other.create({ ...input, slug: "race" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const result of results.filter((r) => r.status === "rejected")) {
        expect(result.reason).toMatchObject({ code: "CONFLICT" });
      }
      expect((await admin.get("race"))?.status).toBe("ACTIVE");
      await admin.delete("dup");
      await admin.delete("race");
    });

    it("answers NOT_FOUND for an unknown slug", async () => {
      expect(await failureOf(() => admin.update("nope", { name: "x" }))).toMatchObject({
        code: "NOT_FOUND",
        field: "slug",
      });
      expect(await failureOf(() => admin.delete("nope"))).toMatchObject({ code: "NOT_FOUND" });
      expect(await admin.get("nope")).toBeUndefined();
      expect(await admin.get("../nope")).toBeUndefined();
    });

    it("stops at maxTopics", async () => {
      const limited = newAdmin({ maxTopics: 2 });
      await limited.create({ slug: "one", name: "One", rule: "a" });
      await limited.create({ slug: "two", name: "Two", rule: "b" });
      expect(
        await failureOf(() => limited.create({ slug: "three", name: "Three", rule: "c" })),
      ).toMatchObject({ code: "LIMIT_EXCEEDED" });
      expect(await admin.get("three")).toBeUndefined();
      await limited.delete("one");
      await limited.create({ slug: "three", name: "Three", rule: "c" });
      await limited.delete("two");
      await limited.delete("three");
    });

    it("leaves a failed creation PENDING, and reconcile finishes it", async () => {
      kafka.failNext.add("ensureTopics");
      const error = await failureOf(() => admin.create({ slug: "flaky", name: "F", rule: "x" }));
      expect(error).not.toBeInstanceOf(TopicAdminError);
      expect(isRetriable(error)).toBe(true);
      expect((await admin.get("flaky"))?.status).toBe("PENDING");
      expect(await userTopicExists("flaky")).toBe(false);
      expect(await controlTopicOf("flaky")).toBeUndefined();

      await admin.reconcile();
      expect((await admin.get("flaky"))?.status).toBe("ACTIVE");
      expect(await kafka.partitionCount(topics.user("flaky"))).toBe(2);
      expect(await controlTopicOf("flaky")).toMatchObject({ slug: "flaky", rule: "x" });
    });

    it("leaves a failed deletion DELETING, and reconcile finishes it", async () => {
      await admin.create({ slug: "going", name: "G", rule: "x" });
      kafka.failNext.add("deleteTopics");
      const error = await failureOf(() => admin.delete("going"));
      expect(isRetriable(error)).toBe(true);
      expect((await admin.get("going"))?.status).toBe("DELETING");
      // The tombstone went out before the failing step.
      expect(await controlTopicOf("going")).toBeNull();
      expect(await failureOf(() => admin.update("going", { name: "x" }))).toMatchObject({
        code: "NOT_FOUND",
      });
      expect(
        await failureOf(() => admin.create({ slug: "going", name: "G", rule: "x" })),
      ).toMatchObject({ code: "CONFLICT" });

      await admin.reconcile();
      expect(await admin.get("going")).toBeUndefined();
      await waitUntilGone("going");
    });

    it("removes from Kafka a topic whose row was deleted by hand", async () => {
      await admin.create({ slug: "orphan", name: "O", rule: "x" });
      await catalogue.db.topic.delete({ where: { slug: "orphan" } });
      await admin.reconcile();
      expect(await controlTopicOf("orphan")).toBeNull();
      await waitUntilGone("orphan");
    });

    it("restores a missing Kafka topic and a stale control record of an ACTIVE topic", async () => {
      await admin.create({ slug: "healed", name: "H", rule: "x" });
      await kafka.deleteTopics([topics.user("healed")]);
      await waitUntilGone("healed");
      await catalogue.db.topic.update({ where: { slug: "healed" }, data: { rule: "y" } });
      await admin.reconcile();
      expect(await kafka.partitionCount(topics.user("healed"))).toBe(2);
      expect(await controlTopicOf("healed")).toMatchObject({ rule: "y" });
    });

    it("changes nothing when reconciling again", async () => {
      await admin.create({ slug: "steady", name: "S", rule: "x" });
      await admin.reconcile();
      const snapshot = async () => ({
        ends: await kafka.endOffsets(topics.control),
        topics: (await kafka.listTopics()).filter((t) => t.startsWith(`${topics.prefix}.`)).sort(),
        rows: await catalogue.db.topic.findMany({ orderBy: { slug: "asc" } }),
      });
      const before = await snapshot();
      expect(before.rows.map((r) => r.status)).not.toHaveLength(0);
      expect(before.rows.every((r) => r.status === TopicStatus.ACTIVE)).toBe(true);
      expect(before.topics).toContain(topics.user("steady"));
      await admin.reconcile();
      expect(await snapshot()).toEqual(before);
    });
  });
}
