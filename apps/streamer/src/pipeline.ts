import { preprocess, type TopicMatcher } from "@tweetream/text";
import {
  encodeMessage,
  PostDeleted,
  PreprocessedPost,
  type Logger,
  type OutgoingRecord,
  type Producer,
} from "@tweetream/shared";
import { LRUCache } from "lru-cache";
import type { StreamerMetrics } from "./metrics.ts";
import type { RawPost } from "./sources/source.ts";

/** Counters of what the streamer did with the posts it received. */
export interface PipelineStats {
  received: number;
  duplicates: number;
  /** Matched no current topic: counted and dropped. */
  unmatched: number;
  /** Failed the PreprocessedPost schema (e.g. an over-long id): counted, logged and dropped. */
  invalid: number;
  published: number;
  /** Records published to the deletions topic: each deletion the source reported, and one per edit (for the earlier versions). */
  deletions: number;
}

export interface PipelineOptions {
  producer: Producer;
  /** The preprocessed-posts topic. */
  topic: string;
  /** The deletions topic. */
  deletedTopic: string;
  source: PreprocessedPost["source"];
  matcher: TopicMatcher;
  /** Current topic slugs; X's own matches are kept only for these. */
  knownTopics: () => ReadonlyMap<string, unknown>;
  /** How many recent post ids to remember for dropping duplicates. */
  dedupeWindow: number;
  logger: Logger;
  metrics: StreamerMetrics;
}

/**
 * Turns raw posts into PreprocessedPosts: drops duplicates within a window of
 * recent ids, cleans the text, tags each post with every topic it matches and
 * publishes the tagged ones, keyed by post id, in one acknowledged batch,
 * with a PostDeleted record for each deletion the source reported.
 */
export class PostPipeline {
  readonly stats: PipelineStats = {
    received: 0,
    duplicates: 0,
    unmatched: 0,
    invalid: 0,
    published: 0,
    deletions: 0,
  };
  readonly #seen: LRUCache<string, true>;
  readonly #options: PipelineOptions;

  constructor(options: PipelineOptions) {
    this.#options = options;
    this.#seen = new LRUCache({ max: options.dedupeWindow });
  }

  /** Processes one batch; resolves when every tagged post is acknowledged by Kafka. */
  readonly handle = async (
    posts: readonly RawPost[],
    deletedIds: readonly string[] = [],
  ): Promise<void> => {
    const ingestedAt = Date.now();
    const { matcher, knownTopics, source, topic, deletedTopic, metrics } = this.#options;
    const records: OutgoingRecord[] = [];
    /** Keys of the posts (and versions) handed on in this batch. */
    const accepted = new Set<string>();
    const tagged: string[] = [];
    // Read once per batch: the catalogue changes between batches, not within one.
    const known = knownTopics();
    const deletions: PostDeleted[] = deletedIds.map((id) => ({
      v: 1,
      id,
      source,
      deletedAt: ingestedAt,
    }));
    for (const post of posts) {
      this.stats.received++;
      // Each version of an edited post is a post of its own.
      const seenKey = post.editedAt === undefined ? post.id : `${post.id} ${post.editedAt}`;
      if (this.#seen.has(seenKey) || accepted.has(seenKey)) {
        this.#count("duplicates");
        continue;
      }
      // An edit takes the earlier versions out of every topic they reached,
      // whether or not the new text matches; not an edit that is invalid.
      const replaced = () => {
        if (post.editedAt === undefined) return;
        deletions.push({
          v: 1,
          id: post.id,
          source,
          deletedAt: ingestedAt,
          editedAt: post.editedAt,
        });
        accepted.add(seenKey);
      };
      const topics = post.matchedTopics
        ? [...new Set(post.matchedTopics)].filter((slug) => known.has(slug)).sort()
        : matcher.match(post.text, post.lang, post.hashtags);
      if (topics.length === 0) {
        this.#count("unmatched");
        replaced();
        continue;
      }
      const value: PreprocessedPost = {
        v: 1,
        id: post.id,
        source,
        ...(post.url === undefined ? {} : { url: post.url }),
        text: post.text,
        cleanText: preprocess(post.text),
        author: post.author,
        createdAt: post.createdAt,
        ...(post.editedAt === undefined ? {} : { editedAt: post.editedAt }),
        lang: post.lang,
        topics,
        ingestedAt,
      };
      let encoded: string;
      try {
        encoded = encodeMessage(PreprocessedPost, value);
      } catch (error) {
        this.#count("invalid");
        // One line per 1,000 bad posts at most: a broken source must not flood the log.
        if (this.stats.invalid % 1000 === 1) {
          this.#options.logger.warn(
            { err: error, postId: post.id, invalid: this.stats.invalid },
            "dropped an invalid post",
          );
        }
        continue;
      }
      records.push({ topic, key: post.id, value: encoded });
      accepted.add(seenKey);
      replaced();
      tagged.push(...topics);
    }
    // Every deletion is passed on, matched or not: a web process may hold the
    // post from before a catalogue change, or from another streamer.
    const published = records.length;
    for (const deletion of deletions) {
      records.push({
        topic: deletedTopic,
        key: deletion.id,
        value: encodeMessage(PostDeleted, deletion),
      });
    }
    if (records.length > 0) {
      const timer = metrics.publishSeconds.startTimer();
      await this.#options.producer.send(records);
      timer();
    }
    // Remember ids only once they are safely in Kafka, so a failed send is retried, not dropped.
    for (const id of accepted) this.#seen.set(id, true);
    // One line per post only at debug: at thousands of posts a second, info stays quiet.
    if (this.#options.logger.isLevelEnabled("debug")) {
      for (const record of records) {
        this.#options.logger.debug(
          { postId: record.key },
          record.topic === deletedTopic ? "published a deletion" : "published a post",
        );
      }
    }
    this.#count("published", published);
    // Not posts: the sources' event counter has them (outcome "delete").
    this.stats.deletions += deletions.length;
    for (const slug of tagged) metrics.tagged.inc({ topic: slug });
  };

  /** Counts an outcome both in `stats` and in the Prometheus counter. */
  #count(outcome: Exclude<keyof PipelineStats, "received" | "deletions">, n = 1): void {
    this.stats[outcome] += n;
    this.#options.metrics.posts.inc({ source: this.#options.source, outcome }, n);
  }
}
