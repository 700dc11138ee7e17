import { randomBytes } from "node:crypto";
import {
  ClassifiedPost,
  jsonDecoder,
  PostDeleted,
  type ConsumedRecord,
  type Consumer,
  type KafkaClient,
  type Logger,
  type PartitionOffset,
  type DeadLetterReason,
} from "@tweetream/shared";
import { LRUCache } from "lru-cache";
import { covers, decodeCursor, dominates, encodeCursor, join, type Position } from "./cursor.ts";
import {
  clampWindow,
  emptyBuckets,
  MinuteStats,
  type LabelCounts,
  type MinuteBucket,
} from "./minute-stats.ts";
import { passes, postFilter, type PostFilter, type PostFilterOptions } from "./post-filter.ts";
import { TopicLog } from "./topic-log.ts";

/**
 * A post as kept in one topic's log, with its Kafka position and cursor: one
 * object per post and topic, shared by every subscriber and page that shows it
 * (the GraphQL `Tweet`).
 */
export interface TopicPost {
  slug: string;
  post: ClassifiedPost;
  /** Its Kafka partition and offset. */
  partition: number;
  offset: bigint;
  /**
   * This process's position right after the post (every record it had read,
   * per partition) as an opaque cursor. Only the cursor is kept: it takes a
   * few dozen bytes, and the few readers that need the position itself (those
   * that resumed from a cursor, until they are past it) decode it.
   */
  cursor: string;
  /** Kafka record timestamp, epoch ms */
  timestamp: number;
}

/** A page of a topic's history, newest first (the GraphQL `TweetConnection`). */
export interface PostPage {
  items: TopicPost[];
  hasNextPage: boolean;
  /**
   * Where the next page starts, when that is not the last item's cursor: a
   * page of the Kafka log that stopped at its scan limit before `first` posts.
   */
  endCursor?: string;
  /** More posts newer than the first item (a `last`/`before` page). */
  hasPreviousPage?: boolean;
  /** Where the page before starts, when that is not the first item's cursor (a backward page that stopped at its scan limit). */
  startCursor?: string;
}

/**
 * Where a subscription's items go. The hub reads each subscriber's items
 * from the topic's log itself, as long as `ready()` says the subscriber can
 * take more; a subscriber that cannot waits at its position in the log (not
 * in a queue) and calls its subscription's `resume()` once it can.
 */
export interface HubSink {
  /** False while the subscriber cannot take another item now. */
  ready(): boolean;
  /** The subscriber's next item, in log order. */
  write(item: TopicPost): void;
  /** Called after each run of `write`s: a sink may hold what it was given until then. */
  flush?(): void;
  /** The subscription is over (it gets no more calls). */
  end(reason: HubEnd): void;
}

/**
 * Why a subscription ended: its topic was removed (or the hub stopped), or
 * the subscriber fell behind the oldest post the log keeps; `cursor` is then
 * where it stands, to resume from with `after`.
 */
export type HubEnd = { kind: "closed" } | { kind: "tooSlow"; cursor: string };

/** A subscriber's handle on its subscription. */
export interface HubSubscription {
  /** Reads on from the subscriber's position (call when `ready()` is true again). */
  resume(): void;
  /** Ends the subscription without calling `end`. Idempotent. */
  close(): void;
}

export interface PostHubOptions {
  kafka: KafkaClient;
  logger: Logger;
  /**
   * Items kept per topic (default 5000): the `tweets` history, and how far a
   * subscriber may fall behind before it is told it is too slow.
   */
  historyPerTopic?: number;
  /** Minutes of per-minute stats kept per topic (default 1440). */
  statsWindowMinutes?: number;
  /** Most records read back per topic at warm-up to rebuild stats (default 50,000). */
  statsReadBackPerTopic?: number;
  /** Longest wait for a topic's read-back before serving it as it is (default 60,000 ms). */
  warmUpTimeoutMs?: number;
  /** Called once per live item after it was handed to its subscribers (metrics). */
  onDelivered?: (item: TopicPost, subscribers: number) => void;
  /** Called for each subscription ended because it fell behind the log (metrics). */
  onTooSlow?: () => void;
  /** Called for each record the hub's consumer dead-letters (metrics). */
  onDeadLetter?: (reason: DeadLetterReason) => void;
  /**
   * Post ids remembered, across topics, to drop a post the pipeline delivered
   * twice (it is at least once) before any subscriber sees it (default 100,000).
   */
  dedupeWindow?: number;
  /** Called for each dropped repeat of a post already seen in its topic (metrics). */
  onDuplicate?: (item: TopicPost) => void;
  /**
   * Deletions read back from the deletions topic at start (default 100,000),
   * and post ids remembered as deleted, so that a post whose deletion
   * overtook it is dropped when it arrives.
   */
  deletionsReadBack?: number;
  /** Called with the number of posts a batch of deletions took out of the history (metrics). */
  onDeleted?: (removed: number) => void;
}

/**
 * Told of each post of its topic that left the history because it was deleted
 * at its source, or replaced by the version edited at `editedAt`.
 */
export type DeletionListener = (postId: string, editedAt: string | undefined) => void;

/** What a `PostDeleted` record takes away: every version of a post, or those before an edit. */
export interface HubDeletion {
  id: string;
  /** Set for an edit: only the versions before it go. */
  editedAt?: string | undefined;
}

/** A post's version: "" for its first, its `editedAt` for an edit (ISO strings sort as times). */
const versionOf = (post: { editedAt?: string | undefined }): string => post.editedAt ?? "";
/** Sorts after every version: a deletion takes them all. */
const EVERY_VERSION = "\uffff";

/** A subscriber: a position in its topic's log, and where its items go. */
interface Reader {
  state: TopicState;
  /** Sequence number of the next item of the log to look at. */
  seq: number;
  filter: PostFilter | undefined;
  /**
   * What the subscriber had before it subscribed (its `after`, or the log's
   * position then), until the log's own positions cover it: items it covers
   * are skipped, and it is joined into the cursors the subscriber gets.
   */
  floor: Position | undefined;
  /** The last item passed (delivered or filtered out). */
  last: TopicPost | undefined;
  sink: HubSink;
  closed: boolean;
}

interface TopicState {
  slug: string;
  topic: string;
  log: TopicLog<TopicPost>;
  stats: MinuteStats;
  readers: Set<Reader>;
  /** Per partition, the next offset to take: where a restarted consumer resumes. */
  next: Map<number, bigint>;
  /** Per partition, the end offset at warm-up: records before it are read back, not live. */
  liveFrom: Map<number, bigint>;
  /**
   * Per partition, the first offset read back at warm-up that goes into the
   * log (older ones only count in stats): an even share of the log each, so
   * that reading one partition back after another cannot evict a whole one.
   */
  logFrom: Map<number, bigint>;
  /** True once its warm-up positions are known and a consumer reads it. */
  consumed: boolean;
}

const MINUTE_MS = 60_000;
const RETRY_MS = 5000;
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * One Kafka consumer per web process over the user topics of the catalogue,
 * fanned out in memory to subscribers, with recent history and per-minute
 * stats per topic, warmed from Kafka at start (see README "Fan-out, history
 * and stats").
 */
export class PostHub {
  readonly #kafka: KafkaClient;
  readonly #logger: Logger;
  readonly #historyPerTopic: number;
  readonly #statsWindowMinutes: number;
  readonly #statsReadBack: number;
  readonly #warmUpTimeoutMs: number;
  /** Private to this process: every replica must see every post, not a share. */
  readonly #groupBase: string;
  #generation = 0;
  readonly #states = new Map<string, TopicState>();
  #subscriberCount = 0;
  readonly #onDelivered: PostHubOptions["onDelivered"];
  readonly #onTooSlow: PostHubOptions["onTooSlow"];
  readonly #onDeadLetter: PostHubOptions["onDeadLetter"];
  readonly #onDuplicate: PostHubOptions["onDuplicate"];
  readonly #onDeleted: PostHubOptions["onDeleted"];
  /** `<slug> <post id>[ <editedAt>]` of the posts taken lately. */
  readonly #seen: LRUCache<string, true>;
  /**
   * Posts deleted or edited lately (read back at start, then live): for each
   * id, the version its versions before are gone ({@link EVERY_VERSION} when deleted).
   */
  readonly #deleted: LRUCache<string, string>;
  readonly #deletionsReadBack: number;
  readonly #deletionListeners = new Map<string, Set<DeletionListener>>();
  #deletionConsumer: Consumer | undefined;
  #consumer: Consumer | undefined;
  #consumedTopics: ReadonlyMap<string, TopicState> = new Map();
  #queue: Promise<void> = Promise.resolve();
  /** The queued, not yet started reconcile: later topic changes join it (one consumer restart). */
  #nextRun: Promise<void> | undefined;
  #started = false;
  #stopping: Promise<void> | undefined;
  #onStop: () => void = () => undefined;
  readonly #stopped = new Promise<void>((resolve) => (this.#onStop = resolve));
  #retryTimer: NodeJS.Timeout | undefined;
  #lastMissing = "";
  #callbackFailures = 0;
  #lastFailureLog = 0;

  constructor(options: PostHubOptions) {
    this.#kafka = options.kafka;
    this.#logger = options.logger.child({ component: "post-hub" });
    this.#historyPerTopic = positiveInteger("historyPerTopic", options.historyPerTopic ?? 5000);
    this.#statsWindowMinutes = positiveInteger(
      "statsWindowMinutes",
      options.statsWindowMinutes ?? 1440,
    );
    this.#statsReadBack = positiveInteger(
      "statsReadBackPerTopic",
      options.statsReadBackPerTopic ?? 50_000,
    );
    this.#warmUpTimeoutMs = positiveInteger("warmUpTimeoutMs", options.warmUpTimeoutMs ?? 60_000);
    this.#onDelivered = options.onDelivered;
    this.#onTooSlow = options.onTooSlow;
    this.#onDeadLetter = options.onDeadLetter;
    this.#onDuplicate = options.onDuplicate;
    this.#onDeleted = options.onDeleted;
    this.#seen = new LRUCache({
      max: positiveInteger("dedupeWindow", options.dedupeWindow ?? 100_000),
    });
    this.#deletionsReadBack = positiveInteger(
      "deletionsReadBack",
      options.deletionsReadBack ?? 100_000,
    );
    this.#deleted = new LRUCache({ max: this.#deletionsReadBack });
    this.#groupBase = `${this.#kafka.topics.prefix}.web.hub.${randomBytes(6).toString("hex")}`;
  }

  /** Subscriptions open across every topic. */
  get subscriberCount(): number {
    return this.#subscriberCount;
  }

  /** Warms history+stats from Kafka for these slugs, then starts consuming. */
  async start(slugs: ReadonlySet<string>): Promise<void> {
    if (this.#started) throw new Error("PostHub.start called twice");
    this.#started = true;
    this.#deletionConsumer = await this.#followDeletions();
    await this.setTopics(slugs);
    this.#logger.info({ topics: this.#states.size }, "post hub warmed up");
  }

  /**
   * Follows catalogue changes: starts consuming new topics, ends subscribers
   * of removed ones (their `onEnd` is called) and drops their history.
   * Subscribers of an added slug are accepted at once; the returned promise
   * resolves once its read-back is done. Calls are applied in order; calls
   * made while the consumer restarts are coalesced into one next restart.
   */
  setTopics(slugs: ReadonlySet<string>): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    let topics: Map<string, string>;
    try {
      topics = new Map([...slugs].map((slug) => [slug, this.#kafka.topics.user(slug)]));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    for (const state of this.#states.values()) {
      if (!topics.has(state.slug)) this.#drop(state);
    }
    for (const [slug, topic] of topics) {
      if (!this.#states.has(slug)) this.#states.set(slug, this.#newState(slug, topic));
    }
    return this.#requestReconcile();
  }

  /**
   * kafkajs cannot add a topic to a running consumer, so each change costs a
   * restart (seconds): a burst of N changes must not cost N restarts one after
   * another. A reconcile reads the followed topics when it starts, so every
   * change made before then joins the one already queued.
   */
  #requestReconcile(): Promise<void> {
    if (this.#nextRun) return this.#nextRun;
    const run = this.#queue.then(() => {
      this.#nextRun = undefined;
      return this.#reconcile();
    });
    this.#nextRun = run;
    this.#queue = run.catch((error: unknown) => {
      this.#logger.error({ err: error }, "could not follow the topic change; retrying");
      this.#scheduleRetry();
    });
    return run;
  }

  /**
   * Subscribes to the items of one topic after `after` (a cursor), or after
   * its newest item when there is none: first those the log still keeps, then
   * live ones, each once and in log order, as fast as `sink.ready()` allows.
   * Only posts of `labels` and `sources` are delivered (none or empty: all). For a slug the hub does
   * not follow, `sink.end` is called on a microtask. Throws RangeError for a
   * cursor that is not valid (check it with `decodeCursor` first).
   */
  subscribe(
    slug: string,
    options: { after?: string | undefined } & PostFilterOptions,
    sink: HubSink,
  ): HubSubscription {
    const after = options.after === undefined ? undefined : parseCursor(options.after);
    const state = this.#states.get(slug);
    if (!state) {
      queueMicrotask(() => {
        this.#end(sink, { kind: "closed" });
      });
      return { resume: () => undefined, close: () => undefined };
    }
    const floor = after ?? livePosition(state);
    const reader: Reader = {
      state,
      seq: after ? state.log.firstAfter(after) : state.log.end,
      filter: postFilter(options),
      floor,
      last: undefined,
      sink,
      closed: false,
    };
    state.readers.add(reader);
    this.#subscriberCount++;
    this.#pump(reader);
    return {
      resume: () => {
        this.#pump(reader);
      },
      close: () => {
        this.#remove(reader);
      },
    };
  }

  /**
   * Newest first; `after` is a cursor from a previous page (or a Tweet). No
   * `labels` or `sources` (or an empty list) means all of them. Throws RangeError for an
   * invalid cursor.
   */
  history(slug: string, options: PostFilterOptions & { first: number; after?: string }): PostPage {
    const before = options.after === undefined ? undefined : parseCursor(options.after);
    const state = this.#states.get(slug);
    if (!state) return { items: [], hasNextPage: false };
    return state.log.page({ filter: postFilter(options), first: options.first, before });
  }

  /**
   * Per partition, the first offset from which this process still has every
   * post of `slug` (the oldest one its log keeps, or the next one it will
   * read when it keeps none): a reader of Kafka that got to just below these
   * can go on from the hub with `subscribe(after:)` and miss nothing.
   * Undefined until the topic's consumer runs (or for a topic not followed).
   */
  coverage(slug: string): Map<number, bigint> | undefined {
    const state = this.#states.get(slug);
    if (!state?.consumed) return undefined;
    const from = new Map(state.liveFrom);
    for (const [partition, next] of state.next) {
      if (next > (from.get(partition) ?? -1n)) from.set(partition, next);
    }
    const seen = new Set<number>();
    const { log } = state;
    for (let seq = log.start; seq < log.end && seen.size < from.size; seq++) {
      const item = log.at(seq);
      if (!item || seen.has(item.partition)) continue;
      seen.add(item.partition);
      from.set(item.partition, item.offset);
    }
    return from;
  }

  /**
   * True when this version of `post` was deleted (or replaced by an edit) at
   * its source, as far as this process remembers deletions (the last
   * `deletionsReadBack`); history read from Kafka leaves such posts out.
   */
  isDeleted(post: { id: string; editedAt?: string | undefined }): boolean {
    return versionOf(post) < (this.#deleted.get(post.id) ?? "");
  }

  /**
   * Calls `listener` with the id of each post of `slug` that leaves the
   * history because its source deleted it. Returns the unsubscribe function.
   */
  onDeleted(slug: string, listener: DeletionListener): () => void {
    let listeners = this.#deletionListeners.get(slug);
    if (!listeners) {
      listeners = new Set();
      this.#deletionListeners.set(slug, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#deletionListeners.get(slug) === listeners) {
        this.#deletionListeners.delete(slug);
      }
    };
  }

  /**
   * Honours posts deleted or edited at their source: a deleted post leaves
   * every topic's history (readers skip the hole), and so do the versions of
   * an edited post from before the edit; each topic's deletion listeners hear
   * of it, and a version that arrives later (its deletion overtook it) is
   * dropped. One pass over the history per batch of deletions.
   */
  delete(deletions: readonly HubDeletion[]): void {
    if (deletions.length === 0) return;
    /** For each id, the version before which everything goes. */
    const through = new Map<string, string>();
    for (const { id, editedAt } of deletions) {
      const version = [editedAt ?? EVERY_VERSION, through.get(id), this.#deleted.get(id)]
        .filter((v) => v !== undefined)
        .reduce((a, b) => (a > b ? a : b));
      through.set(id, version);
      this.#deleted.set(id, version);
    }
    let removed = 0;
    for (const state of this.#states.values()) {
      const items = state.log.remove(
        (item) => versionOf(item.post) < (through.get(item.post.id) ?? ""),
      );
      removed += items.length;
      const listeners = this.#deletionListeners.get(state.slug);
      if (!listeners) continue;
      for (const item of items) {
        const version = through.get(item.post.id);
        const editedAt = version === EVERY_VERSION ? undefined : version;
        for (const listener of listeners) {
          try {
            listener(item.post.id, editedAt);
          } catch (error) {
            this.#callbackFailed(error);
          }
        }
      }
    }
    this.#onDeleted?.(removed);
  }

  /**
   * Reads the deletions topic: the last `deletionsReadBack` records first
   * (posts the history is warmed with may have been deleted while this
   * process was down), then live, in a group of its own that commits nothing.
   */
  async #followDeletions(): Promise<Consumer> {
    const topic = this.#kafka.topics.deleted;
    const ranges = await this.#kafka.offsetRanges(topic);
    const share = BigInt(Math.ceil(this.#deletionsReadBack / Math.max(1, ranges.length)));
    return this.#kafka.startConsumer<PostDeleted>({
      groupId: `${this.#groupBase}.deletions`,
      topics: [topic],
      fromBeginning: true,
      deleteGroupOnStop: true,
      commitOffsets: false,
      startOffsets: ranges.map((range) => ({
        topic,
        partition: range.partition,
        offset: max(BigInt(range.low), BigInt(range.high) - share).toString(),
      })),
      decode: jsonDecoder(PostDeleted),
      onDeadLetter: this.#onDeadLetter,
      onBatch: (records) => {
        this.delete(records.map(({ value }) => ({ id: value.id, editedAt: value.editedAt })));
        return Promise.resolve();
      },
    });
  }

  /**
   * Per-minute counts over the last `windowMinutes` minutes ending now (the
   * minute of `now`, default Date.now()), oldest first, empty minutes
   * included; the window is clamped to 1..statsWindowMinutes.
   */
  stats(
    slug: string,
    windowMinutes: number,
    now: number = Date.now(),
  ): { buckets: MinuteBucket[]; totals: LabelCounts } {
    const state = this.#states.get(slug);
    if (state) return state.stats.buckets(windowMinutes, now);
    return emptyBuckets(clampWindow(windowMinutes, this.#statsWindowMinutes), now);
  }

  /** Stops the consumer (its group is deleted) and ends every subscription. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#onStop();
      clearTimeout(this.#retryTimer);
      for (const state of this.#states.values()) this.#drop(state);
      await this.#queue;
      const consumer = this.#consumer;
      this.#consumer = undefined;
      this.#consumedTopics = new Map();
      await consumer?.stop();
      await this.#deletionConsumer?.stop();
      this.#deletionListeners.clear();
    })();
    return this.#stopping;
  }

  /** Read through a method: `stop()` may have been called during an await. */
  #isStopping(): boolean {
    return this.#stopping !== undefined;
  }

  #newState(slug: string, topic: string): TopicState {
    return {
      slug,
      topic,
      log: new TopicLog<TopicPost>(this.#historyPerTopic),
      stats: new MinuteStats(this.#statsWindowMinutes),
      readers: new Set(),
      next: new Map(),
      liveFrom: new Map(),
      logFrom: new Map(),
      consumed: false,
    };
  }

  /** Brings the consumer's topic list in line with the followed slugs. */
  async #reconcile(): Promise<void> {
    if (this.#stopping) return;
    // A topic missing from Kafka (catalogue and Kafka briefly out of step) is
    // left out rather than failing the consumer of every other topic.
    const existing = new Set(await this.#kafka.listTopics());
    const states = [...this.#states.values()];
    const listed = states.filter((s) => existing.has(s.topic));
    const missing = states.filter((s) => !existing.has(s.topic)).map((s) => s.topic);
    const running = this.#consumedTopics;
    const unchanged =
      listed.length === running.size && listed.every((s) => running.get(s.topic) === s);
    const warming: TopicState[] = [];
    if (!unchanged) {
      // Positions first, so the consumer is down for as short a time as possible.
      for (const state of listed.filter((s) => !s.consumed)) {
        // Dropped meanwhile (its tombstone arrived): its Kafka topic may be gone.
        if (this.#states.get(state.slug) !== state) continue;
        if (await this.#warmUpPositions(state)) warming.push(state);
        else missing.push(state.topic);
      }
    }
    if (missing.length > 0) {
      if (missing.join() !== this.#lastMissing) {
        this.#logger.warn({ topics: missing }, "topics not in Kafka (yet); retrying every 5 s");
      }
      this.#scheduleRetry();
    }
    this.#lastMissing = missing.join();
    if (unchanged) return;
    const wanted = listed.filter((s) => s.consumed || warming.includes(s));
    if (wanted.length === running.size && wanted.every((s) => running.get(s.topic) === s)) return;

    // kafkajs cannot add topics to a running consumer: restart it. Retained
    // topics resume at the offsets taken so far, so nothing is lost or repeated.
    const previous = this.#consumer;
    this.#consumer = undefined;
    this.#consumedTopics = new Map();
    await previous?.stop();
    if (this.#isStopping()) return;
    for (const state of warming) state.consumed = true;
    const consumed = [...this.#states.values()].filter((s) => s.consumed && existing.has(s.topic));
    if (consumed.length === 0) return;

    const topics = new Map(consumed.map((s) => [s.topic, s]));
    const startOffsets: PartitionOffset[] = consumed.flatMap((s) =>
      [...s.next].map(([partition, offset]) => ({
        topic: s.topic,
        partition,
        offset: offset.toString(),
      })),
    );
    const catchUp = catchUpTracker(warming.filter((s) => this.#states.get(s.slug) === s));
    this.#consumer = await this.#kafka.startConsumer<ClassifiedPost>({
      groupId: `${this.#groupBase}.${++this.#generation}`,
      topics: [...topics.keys()],
      // Partitions without a chosen position (added to a topic later) hold only new posts.
      fromBeginning: true,
      deleteGroupOnStop: true,
      startOffsets,
      // It starts where it chooses (startOffsets) and never reads a commit back.
      commitOffsets: false,
      decode: jsonDecoder(ClassifiedPost),
      onDeadLetter: this.#onDeadLetter,
      onBatch: (records) => {
        this.#take(topics, records);
        return Promise.resolve();
      },
      onProgress: catchUp.progress,
    });
    this.#consumedTopics = topics;
    this.#logger.info({ topics: topics.size, warming: warming.length }, "consuming user topics");

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        resolve(true);
      }, this.#warmUpTimeoutMs);
    });
    const late = await Promise.race([
      catchUp.done.then(() => false),
      this.#stopped.then(() => false),
      timedOut,
    ]);
    clearTimeout(timer);
    if (late) {
      this.#logger.warn(
        { pending: catchUp.pending(), timeoutMs: this.#warmUpTimeoutMs },
        "read-back not finished in time; serving what is there",
      );
    }
  }

  /**
   * Chooses where each partition of a new topic starts: its share of the last
   * historyPerTopic records (the log then holds every partition's newest), or
   * further back to cover the stats window, at most statsReadBackPerTopic
   * records in all.
   * False if the topic cannot be read now: listed a moment ago, it may just
   * have been deleted, or be too new to have metadata (kafkajs then fails, or
   * throws a TypeError); it is left out and retried, the other topics go on.
   */
  async #warmUpPositions(state: TopicState): Promise<boolean> {
    try {
      await this.#readPositions(state);
      return true;
    } catch (error) {
      state.next.clear();
      state.liveFrom.clear();
      state.logFrom.clear();
      this.#logger.debug({ err: error, topic: state.topic }, "could not read a topic's offsets");
      return false;
    }
  }

  async #readPositions(state: TopicState): Promise<void> {
    const ranges = await this.#kafka.offsetRanges(state.topic);
    if (ranges.length === 0) throw new Error(`no partitions known for ${state.topic}`);
    const windowStart = Date.now() - this.#statsWindowMinutes * MINUTE_MS;
    const inWindow = new Map(
      (await this.#kafka.offsetsAtTime(state.topic, windowStart)).map((o) => [
        o.partition,
        BigInt(o.offset),
      ]),
    );
    const share = BigInt(Math.ceil(this.#historyPerTopic / ranges.length));
    const budget = BigInt(
      Math.max(1, Math.floor(this.#statsReadBack / Math.max(1, ranges.length))),
    );
    for (const range of ranges) {
      const low = BigInt(range.low);
      const high = BigInt(range.high);
      const historyStart = max(low, high - share);
      const statsStart = max(low, inWindow.get(range.partition) ?? high, high - budget);
      state.next.set(range.partition, historyStart < statsStart ? historyStart : statsStart);
      state.liveFrom.set(range.partition, high);
      state.logFrom.set(range.partition, historyStart);
    }
  }

  #take(topics: ReadonlyMap<string, TopicState>, records: ConsumedRecord<ClassifiedPost>[]): void {
    const touched = new Set<TopicState>();
    for (const { raw, value: post } of records) {
      const state = topics.get(raw.topic);
      // A topic dropped (or dropped and added again) since this consumer started.
      if (!state || this.#states.get(state.slug) !== state) continue;
      const offset = BigInt(raw.offset);
      const next = state.next.get(raw.partition);
      if (next !== undefined && offset < next) continue;
      state.next.set(raw.partition, offset + 1n);
      // A classifier that dies after producing, before committing, labels its
      // batch again: the repeat is dropped here, so no subscriber, history
      // page or stat counts a post twice. Keyed by slug too: a post in two
      // topics is one item in each.
      // Deleted at its source (or edited again) before it got here.
      if (this.isDeleted(post)) continue;
      const seenKey =
        post.editedAt === undefined
          ? `${state.slug} ${post.id}`
          : `${state.slug} ${post.id} ${post.editedAt}`;
      const duplicate = this.#seen.has(seenKey);
      const item: TopicPost = {
        slug: state.slug,
        post,
        partition: raw.partition,
        offset,
        cursor: encodeCursor({ through: positionOf(state.next), own: raw.partition }),
        timestamp: raw.timestamp,
      };
      if (duplicate) {
        this.#onDuplicate?.(item);
        continue;
      }
      this.#seen.set(seenKey, true);
      // A post is counted once, by its first version: an edit is not another post.
      if (post.editedAt === undefined) state.stats.add(raw.timestamp, post.label);
      if (offset < (state.logFrom.get(raw.partition) ?? 0n)) continue;
      state.log.append(item);
      touched.add(state);
      // A batch may hold more posts of a topic than its log keeps: readers
      // that keep up take them before they are evicted.
      if (state.log.end % Math.ceil(state.log.capacity / 2) === 0) this.#pumpAll(state);
      const liveFrom = state.liveFrom.get(raw.partition);
      if (liveFrom === undefined || offset >= liveFrom) {
        this.#onDelivered?.(item, state.readers.size);
      }
    }
    for (const state of touched) this.#pumpAll(state);
  }

  #pumpAll(state: TopicState): void {
    for (const reader of state.readers) this.#pump(reader);
  }

  /** Hands a reader every item from its position on, while its sink is ready. */
  #pump(reader: Reader): void {
    const { log } = reader.state;
    if (reader.closed) return;
    if (reader.seq < log.start) {
      this.#tooSlow(reader);
      return;
    }
    try {
      while (reader.seq < log.end && reader.sink.ready()) {
        const item = log.at(reader.seq++);
        if (!item) continue;
        let delivered = item;
        const { floor } = reader;
        if (floor) {
          if (covers(floor, item.partition, item.offset)) continue;
          const position = parseCursor(item.cursor);
          if (dominates(position, floor)) {
            reader.floor = undefined;
          } else {
            // Partitions interleave differently on another process: the
            // subscriber's cursor must not fall back below what it had.
            delivered = { ...item, cursor: encodeCursor(join(position, floor)) };
          }
        }
        reader.last = delivered;
        if (!passes(reader.filter, item.post)) continue;
        reader.sink.write(delivered);
      }
      reader.sink.flush?.();
    } catch (error) {
      this.#callbackFailed(error);
    }
  }

  #tooSlow(reader: Reader): void {
    const cursor = reader.last?.cursor ?? encodeCursor(reader.floor ?? { through: new Map() });
    this.#remove(reader);
    this.#onTooSlow?.();
    this.#end(reader.sink, { kind: "tooSlow", cursor });
  }

  #remove(reader: Reader): void {
    if (reader.closed) return;
    reader.closed = true;
    if (reader.state.readers.delete(reader)) this.#subscriberCount--;
  }

  #drop(state: TopicState): void {
    this.#states.delete(state.slug);
    for (const reader of [...state.readers]) {
      this.#remove(reader);
      this.#end(reader.sink, { kind: "closed" });
    }
  }

  #end(sink: HubSink, reason: HubEnd): void {
    try {
      sink.end(reason);
    } catch (error) {
      this.#callbackFailed(error);
    }
  }

  /** A subscriber's failure must not stop the others; logged at most every 10 s. */
  #callbackFailed(error: unknown): void {
    this.#callbackFailures++;
    const now = Date.now();
    if (now - this.#lastFailureLog < ERROR_LOG_INTERVAL_MS) return;
    this.#lastFailureLog = now;
    this.#logger.warn(
      { err: error, failures: this.#callbackFailures },
      "subscriber callback threw (counted, skipped)",
    );
  }

  #scheduleRetry(): void {
    if (this.#stopping || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.setTopics(new Set(this.#states.keys())).catch(() => undefined);
    }, RETRY_MS);
    this.#retryTimer.unref();
  }
}

/** Waits until each warming partition's consumer reaches the end captured at warm-up. */
function catchUpTracker(states: readonly TopicState[]): {
  done: Promise<void>;
  pending: () => number;
  progress: (progress: { topic: string; partition: number; offset: string }) => void;
} {
  const ends = new Map<string, bigint>();
  for (const state of states) {
    for (const [partition, end] of state.liveFrom) {
      if ((state.next.get(partition) ?? end) < end) ends.set(`${partition}:${state.topic}`, end);
    }
  }
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolve = r));
  if (ends.size === 0) resolve();
  return {
    done,
    pending: () => ends.size,
    progress: ({ topic, partition, offset }) => {
      const key = `${partition}:${topic}`;
      const end = ends.get(key);
      if (end === undefined || BigInt(offset) + 1n < end) return;
      ends.delete(key);
      if (ends.size === 0) resolve();
    },
  };
}

function parseCursor(cursor: string): Position {
  const decoded = decodeCursor(cursor);
  if (decoded.kind !== "position") throw new RangeError(`${decoded.kind} cursor`);
  return decoded.position;
}

/** Per partition, the offset before `next` (partitions at 0 have nothing yet). */
function positionOf(next: ReadonlyMap<number, bigint>): Map<number, bigint> {
  const through = new Map<number, bigint>();
  for (const [partition, offset] of next) if (offset > 0n) through.set(partition, offset - 1n);
  return through;
}

/**
 * Where a new subscriber without a cursor starts: after every record taken,
 * and after those that are only being read back at warm-up.
 */
function livePosition(state: TopicState): Position {
  const through = positionOf(state.next);
  for (const [partition, end] of state.liveFrom) {
    if (end - 1n > (through.get(partition) ?? -1n)) through.set(partition, end - 1n);
  }
  return { through };
}

function max(...values: bigint[]): bigint {
  return values.reduce((a, b) => (a > b ? a : b));
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
