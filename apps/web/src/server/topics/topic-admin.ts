// The business logic behind the topic mutations. A topic lives in two places:
// the catalogue (a database row, the source of truth for admins) and Kafka (its
// user topic, plus its current state on the compacted control topic, which the
// classifier and every web process follow). Each mutation walks them in an
// order that leaves a status behind when a step fails (PENDING or DELETING), so
// `reconcile()` can finish the job later; every step is idempotent.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { TopicStatus, type Catalogue, type Topic } from "@tweetream/catalogue";
import {
  encodeMessage,
  followCatalogue,
  SLUG_PATTERN,
  TopicUpserted,
  TweetreamError,
  type CatalogueFollower,
  type KafkaClient,
  type Logger,
  type OutgoingRecord,
  type Producer,
  type TopicSpec,
} from "@tweetream/shared";
import { KeyedLock } from "./keyed-lock.ts";
import { TopicBatcher } from "./topic-batcher.ts";
import { TopicAdminError } from "./topic-admin-error.ts";
import { validDescription, validName, validRule, validSlug } from "./validate-topic-input.ts";

/** A topic as the API shows it. */
export interface TopicRecord {
  slug: string;
  name: string;
  rule: string;
  description: string;
  status: "PENDING" | "ACTIVE" | "DELETING";
  createdAt: Date;
  updatedAt: Date;
}

/** At most this many topics by default: X's limit on filtered-stream rules. */
export const DEFAULT_MAX_TOPICS = 1000;
/** Default pause between a deletion's tombstone and the deletion of its Kafka topic. */
export const DEFAULT_DELETE_GRACE_MS = 2000;
/** Default bound on reading the control topic during `reconcile()`. */
export const DEFAULT_CONTROL_READ_TIMEOUT_MS = 30_000;

export interface TopicAdminOptions {
  catalogue: Catalogue;
  kafka: KafkaClient;
  logger: Logger;
  /** Partitions of each new user topic. */
  partitions: number;
  replicationFactor: number;
  /** Most topics that may exist at once, whatever their status (default 1,000). */
  maxTopics?: number;
  /**
   * Pause between publishing a deletion's tombstone and deleting the Kafka
   * topic (default 2,000 ms), so that consumers (classifier, web hubs) see the
   * tombstone and stop using the topic before it disappears under them.
   */
  deleteGraceMs?: number;
  /** Longest wait for reading the control topic in `reconcile()` (default 30,000 ms). */
  controlReadTimeoutMs?: number;
}

// Prisma's error for a unique-constraint violation (same code on SQLite and PostgreSQL).
const UniqueViolation = z.object({ code: z.literal("P2002") });

// A bounded retry for the control-topic producer: an admin's request should
// fail (leaving a status for reconcile) rather than hang while Kafka is down.
const PRODUCER_MAX_RETRIES = 5;

/** Creates, updates and deletes topics, keeping the catalogue and Kafka in step. */
export class TopicAdmin {
  readonly #catalogue: Catalogue;
  readonly #kafka: KafkaClient;
  readonly #logger: Logger;
  readonly #partitions: number;
  readonly #replicationFactor: number;
  readonly #maxTopics: number;
  readonly #deleteGraceMs: number;
  readonly #controlReadTimeoutMs: number;
  /** One operation at a time per slug in this process. */
  readonly #slugLocks = new KeyedLock();
  /** Count-then-insert of creations, one at a time, so `maxTopics` holds within the process. */
  readonly #creationLock = new KeyedLock();
  /** Kafka topic creations and deletions, one batch at a time (see topic-batcher.ts). */
  readonly #kafkaTopics: TopicBatcher;
  #producer: Promise<Producer> | undefined;

  constructor(options: TopicAdminOptions) {
    this.#catalogue = options.catalogue;
    this.#kafka = options.kafka;
    this.#kafkaTopics = new TopicBatcher(options.kafka);
    this.#logger = options.logger.child({ component: "topic-admin" });
    this.#partitions = options.partitions;
    this.#replicationFactor = options.replicationFactor;
    this.#maxTopics = options.maxTopics ?? DEFAULT_MAX_TOPICS;
    this.#deleteGraceMs = options.deleteGraceMs ?? DEFAULT_DELETE_GRACE_MS;
    this.#controlReadTimeoutMs = options.controlReadTimeoutMs ?? DEFAULT_CONTROL_READ_TIMEOUT_MS;
  }

  /** Every topic, by slug, whatever its status. */
  async list(): Promise<TopicRecord[]> {
    const rows = await this.#catalogue.db.topic.findMany({ orderBy: { slug: "asc" } });
    return rows.map(toRecord);
  }

  /** The topic with this slug, or undefined (also for a malformed slug). */
  async get(slug: string): Promise<TopicRecord | undefined> {
    if (!SLUG_PATTERN.test(slug)) return undefined;
    const row = await this.#catalogue.db.topic.findUnique({ where: { slug } });
    return row ? toRecord(row) : undefined;
  }

  /**
   * Creates a topic and returns it once ACTIVE: the catalogue row (PENDING),
   * then the Kafka topic, then the control record, then ACTIVE. Throws
   * TopicAdminError for bad input, a taken slug (CONFLICT) or too many topics
   * (LIMIT_EXCEEDED); a retriable TweetreamError if Kafka failed, in which
   * case the row stays PENDING for `reconcile()` (or an `update`) to finish.
   */
  async create(input: {
    slug: string;
    name: string;
    rule: string;
    description?: string | null;
  }): Promise<TopicRecord> {
    const slug = validSlug(input.slug);
    const name = validName(input.name);
    const rule = validRule(input.rule);
    const description = validDescription(input.description ?? "");
    return this.#slugLocks.run(slug, async () => {
      const row = await this.#creationLock.run("", async () => {
        if ((await this.#catalogue.db.topic.count()) >= this.#maxTopics) {
          throw new TopicAdminError(
            "LIMIT_EXCEEDED",
            `at most ${this.#maxTopics} topics can exist (X's limit on filtered-stream rules); delete one first`,
          );
        }
        try {
          return await this.#catalogue.db.topic.create({
            data: { slug, name, rule, description, status: TopicStatus.PENDING },
          });
        } catch (error) {
          // Also the outcome when another process creates the same slug at the same time.
          if (UniqueViolation.safeParse(error).success) {
            throw new TopicAdminError("CONFLICT", `a topic with the slug ${slug} already exists`, {
              field: "slug",
            });
          }
          throw error;
        }
      });
      try {
        return toRecord(await this.#activate(row));
      } catch (error) {
        throw this.#unfinished(
          slug,
          `topic ${slug} is saved but not yet set up in Kafka; it stays PENDING until the next reconcile (or an update) finishes it`,
          error,
        );
      }
    });
  }

  /**
   * Changes a topic (fields left null or undefined keep their value) and
   * publishes its new state. A PENDING topic is also finished (made ACTIVE).
   * Throws NOT_FOUND for an unknown slug or a topic being deleted.
   */
  async update(
    slug: string,
    input: { name?: string | null; rule?: string | null; description?: string | null },
  ): Promise<TopicRecord> {
    validSlug(slug);
    const changes: { name?: string; rule?: string; description?: string } = {};
    if (input.name != null) changes.name = validName(input.name);
    if (input.rule != null) changes.rule = validRule(input.rule);
    if (input.description != null) changes.description = validDescription(input.description);
    return this.#slugLocks.run(slug, async () => {
      const current = await this.#catalogue.db.topic.findUnique({ where: { slug } });
      if (!current || current.status === TopicStatus.DELETING) throw notFound(slug);
      const row =
        Object.keys(changes).length === 0
          ? current
          : await this.#catalogue.db.topic.update({ where: { slug }, data: changes });
      try {
        if (row.status === TopicStatus.PENDING) return toRecord(await this.#activate(row));
        await this.#publish([this.#upsertRecord(row)]);
        return toRecord(row);
      } catch (error) {
        throw this.#unfinished(
          slug,
          `topic ${slug} is changed in the catalogue but the change is not yet published; the next reconcile publishes it`,
          error,
        );
      }
    });
  }

  /**
   * Deletes a topic: marks it DELETING, publishes the control tombstone (so
   * consumers stop), waits `deleteGraceMs`, deletes the Kafka topic, then the
   * row. Throws NOT_FOUND for an unknown slug; a retriable TweetreamError if
   * Kafka failed, in which case the row stays DELETING for `reconcile()` (or
   * another `delete`) to finish.
   */
  async delete(slug: string): Promise<void> {
    validSlug(slug);
    await this.#slugLocks.run(slug, async () => {
      const { count } = await this.#catalogue.db.topic.updateMany({
        where: { slug },
        data: { status: TopicStatus.DELETING },
      });
      if (count === 0) throw notFound(slug);
      try {
        await this.#publish([this.#tombstone(slug)]);
        await this.#grace();
        await this.#drop(slug);
      } catch (error) {
        throw this.#unfinished(
          slug,
          `topic ${slug} is marked DELETING but not yet removed from Kafka; the next reconcile (or delete) finishes it`,
          error,
        );
      }
    });
  }

  /**
   * Brings the catalogue and Kafka into step; idempotent, for start-up and
   * after failures. PENDING rows are finished (Kafka topic, control record,
   * ACTIVE); DELETING rows are finished (tombstone, Kafka topic and row
   * deleted); ACTIVE rows get their Kafka topic if it is missing and their
   * control record if the control topic does not hold their current content;
   * topics on the control topic or in Kafka without a row are deleted
   * (tombstone, then Kafka topic). Deletions wait `deleteGraceMs` once, together.
   * Every slug is attempted; if some failed, throws one retriable error after.
   */
  async reconcile(): Promise<void> {
    const names = this.#kafka.topics;
    const published = await this.#readControl();
    const kafkaTopics = new Set(await this.#kafka.listTopics());
    const rows = await this.#catalogue.db.topic.findMany({ select: { slug: true } });
    const slugs = new Set<string>([
      ...rows.map((r) => r.slug),
      ...(published?.keys() ?? []),
      ...[...kafkaTopics].flatMap((topic) => names.slugOf(topic) ?? []),
    ]);
    const counts = { activated: 0, republished: 0, topicsCreated: 0, deleted: 0 };
    const failures: unknown[] = [];
    const deletions: string[] = [];

    for (const slug of [...slugs].sort()) {
      try {
        await this.#slugLocks.run(slug, async () => {
          const row = await this.#catalogue.db.topic.findUnique({ where: { slug } });
          if (!row || row.status === TopicStatus.DELETING) {
            // A row deleted by hand leaves its control record and Kafka topic behind.
            if (row || published === undefined || published.has(slug)) {
              await this.#publish([this.#tombstone(slug)]);
            }
            deletions.push(slug);
          } else if (row.status === TopicStatus.PENDING) {
            await this.#activate(row);
            counts.activated++;
          } else {
            if (!kafkaTopics.has(names.user(slug))) {
              await this.#kafkaTopics.ensure(this.#topicSpec(slug));
              counts.topicsCreated++;
            }
            if (!sameContent(published?.get(slug), row)) {
              await this.#publish([this.#upsertRecord(row)]);
              counts.republished++;
            }
          }
        });
      } catch (error) {
        this.#logger.error({ err: error, slug }, "could not reconcile topic");
        failures.push(error);
      }
    }

    if (deletions.length > 0) await this.#grace();
    for (const slug of deletions) {
      try {
        await this.#slugLocks.run(slug, async () => {
          // Re-read: the slug may have been created again during the grace period.
          const row = await this.#catalogue.db.topic.findUnique({ where: { slug } });
          if (row && row.status !== TopicStatus.DELETING) return;
          await this.#drop(slug);
          counts.deleted++;
        });
      } catch (error) {
        this.#logger.error({ err: error, slug }, "could not finish deleting topic");
        failures.push(error);
      }
    }

    this.#logger.info({ topics: slugs.size, ...counts, failed: failures.length }, "reconciled");
    if (failures.length > 0) {
      throw new TweetreamError(
        `reconcile could not bring ${failures.length} topic(s) into step; see the log, and try again`,
        { retriable: true, cause: new AggregateError(failures) },
      );
    }
  }

  /** Kafka topic, then control record, then ACTIVE. Keeps `updatedAt` = last content change. */
  async #activate(row: Topic): Promise<Topic> {
    await this.#kafkaTopics.ensure(this.#topicSpec(row.slug));
    await this.#publish([this.#upsertRecord(row)]);
    return this.#catalogue.db.topic.update({
      where: { slug: row.slug },
      data: { status: TopicStatus.ACTIVE, updatedAt: row.updatedAt },
    });
  }

  /** Deletes the Kafka topic, then the row if it is (still) DELETING. */
  async #drop(slug: string): Promise<void> {
    await this.#kafkaTopics.delete(this.#kafka.topics.user(slug));
    await this.#catalogue.db.topic.deleteMany({ where: { slug, status: TopicStatus.DELETING } });
  }

  async #grace(): Promise<void> {
    if (this.#deleteGraceMs > 0) await sleep(this.#deleteGraceMs);
  }

  #topicSpec(slug: string): TopicSpec {
    return {
      topic: this.#kafka.topics.user(slug),
      partitions: this.#partitions,
      replicationFactor: this.#replicationFactor,
    };
  }

  #upsertRecord(row: Topic): OutgoingRecord {
    return {
      topic: this.#kafka.topics.control,
      key: row.slug,
      value: encodeMessage(TopicUpserted, {
        v: 1,
        type: "topic.upserted",
        slug: row.slug,
        name: row.name,
        rule: row.rule,
        description: row.description,
        updatedAt: row.updatedAt.toISOString(),
      }),
    };
  }

  #tombstone(slug: string): OutgoingRecord {
    return { topic: this.#kafka.topics.control, key: slug, value: null };
  }

  async #publish(records: readonly OutgoingRecord[]): Promise<void> {
    // One producer for the admin's lifetime; a failed connection is retried next time.
    this.#producer ??= this.#kafka
      .createProducer({ maxRetries: PRODUCER_MAX_RETRIES })
      .catch((error: unknown) => {
        this.#producer = undefined;
        throw error;
      });
    await (await this.#producer).send(records);
  }

  /** The control topic's current topics; undefined (logged) if it cannot be read in time. */
  async #readControl(): Promise<ReadonlyMap<string, TopicUpserted> | undefined> {
    let follower: CatalogueFollower | undefined;
    const abort = new AbortController();
    try {
      follower = await followCatalogue({
        kafka: this.#kafka,
        logger: this.#logger,
        service: "web-reconcile",
      });
      const timeout = sleep(this.#controlReadTimeoutMs, undefined, {
        signal: abort.signal,
      }).then(() => {
        throw new Error(`no answer within ${this.#controlReadTimeoutMs} ms`);
      });
      await Promise.race([follower.ready, timeout]);
      return new Map(follower.topics);
    } catch (error) {
      this.#logger.warn(
        { err: error },
        "could not read the control topic; republishing every active topic and skipping control-only leftovers",
      );
      return undefined;
    } finally {
      abort.abort();
      await follower?.stop().catch((error: unknown) => {
        this.#logger.warn({ err: error }, "could not stop the control-topic reader");
      });
    }
  }

  #unfinished(slug: string, message: string, cause: unknown): TweetreamError {
    if (cause instanceof TopicAdminError) return cause;
    this.#logger.error({ err: cause, slug }, message);
    return new TweetreamError(message, { retriable: true, cause });
  }
}

function notFound(slug: string): TopicAdminError {
  return new TopicAdminError("NOT_FOUND", `there is no topic with the slug ${slug}`, {
    field: "slug",
  });
}

function toRecord(row: Topic): TopicRecord {
  return {
    slug: row.slug,
    name: row.name,
    rule: row.rule,
    description: row.description,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function sameContent(published: TopicUpserted | undefined, row: Topic): boolean {
  return (
    published?.name === row.name &&
    published.rule === row.rule &&
    published.description === row.description
  );
}
