import { RuleSyntaxError, TopicMatcher } from "@tweetream/text";
import {
  coreTopicSpecs,
  createKafkaClient,
  createMetricsRegistry,
  followCatalogue,
  once,
  startHealthServer,
  topicNames,
  type Logger,
  type Service,
  type TopicUpserted,
} from "@tweetream/shared";
import type { StreamerEnv } from "./env.ts";
import { createStreamerMetrics } from "./metrics.ts";
import { PostPipeline, type PipelineStats } from "./pipeline.ts";
import { createSources } from "./sources/index.ts";
import type { Source } from "./sources/source.ts";

export interface StreamerOptions {
  env: StreamerEnv;
  logger: Logger;
  /** A source to use instead of those STREAMER_SOURCE names (tests). */
  source?: Source;
}

export interface Streamer extends Service {
  /** Port of the health server (useful when started on port 0). */
  healthPort: number;
  /** What the streamer did with the posts of all its sources (summed when read). */
  readonly stats: Readonly<PipelineStats>;
  /** Settles when every source has ended: resolves when exhausted or stopped, rejects if one failed. */
  finished: Promise<void>;
}

const PROGRESS_LOG_MS = 10_000;

/**
 * Starts the streamer: loads the topic catalogue from the control topic, then
 * runs its sources side by side (each with a pipeline of its own, so every
 * post keeps its source), cleaning and tagging each post and publishing the
 * tagged ones to the preprocessed-posts topic. Catalogue changes apply live.
 */
export async function startStreamer({
  env,
  logger,
  source: given,
}: StreamerOptions): Promise<Streamer> {
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafkaClient({
    brokers: env.KAFKA_BROKERS,
    clientId: "tweetream-streamer",
    logger,
    topics,
  });
  const matcher = new TopicMatcher();
  const registry = createMetricsRegistry("streamer");
  const metrics = createStreamerMetrics(registry);
  const abort = new AbortController();
  try {
    const sources = given ? [given] : createSources(env, logger, metrics);
    await kafka.ensureTopics(
      coreTopicSpecs(topics, {
        partitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      }),
    );
    const producer = await kafka.createProducer();

    const applyTopic = (slug: string, topic: TopicUpserted | undefined) => {
      if (!topic) {
        matcher.delete(slug);
        return;
      }
      try {
        matcher.set(slug, topic.rule);
      } catch (error) {
        // The web app validates rules, so this means an older or foreign writer.
        if (!(error instanceof RuleSyntaxError)) throw error;
        matcher.delete(slug);
        logger.error(
          { slug, rule: topic.rule, err: error },
          "topic has an invalid rule; not tagging it",
        );
      }
    };
    // A source that cannot sync its rules now (X unreachable) keeps its old
    // ones until the next change; that must not stop the streamer.
    const syncSource = async (all: ReadonlyMap<string, TopicUpserted>) => {
      const rules = new Map([...all].map(([slug, topic]) => [slug, topic.rule]));
      for (const source of sources) {
        try {
          await source.setTopics?.(rules);
        } catch (error) {
          logger.error({ err: error, source: source.kind }, "source could not sync its topics");
        }
      }
    };
    // Changes during the initial load are applied in bulk once it is complete.
    let live = false;
    const follower = await followCatalogue({
      kafka,
      logger,
      service: "streamer",
      onDeadLetter: (reason) => {
        metrics.deadLetters.inc({ reason });
      },
      onChange: async (event, all) => {
        applyTopic(event.slug, all.get(event.slug));
        if (live) {
          logger.info(
            { change: event.type, slug: event.slug, topics: all.size },
            "catalogue changed",
          );
          await syncSource(all);
        }
      },
    });
    await follower.ready;
    live = true;
    await syncSource(follower.topics);

    // A pipeline per source: every post keeps its source, and its counters are the source's.
    const feeds = sources.map((source) => ({
      source,
      pipeline: new PostPipeline({
        producer,
        topic: topics.preprocessed,
        deletedTopic: topics.deleted,
        source: source.kind,
        matcher,
        knownTopics: () => follower.topics,
        dedupeWindow: env.STREAMER_DEDUPE_WINDOW,
        logger,
        metrics,
      }),
    }));
    const stats = () => sumStats(feeds.map(({ pipeline }) => pipeline.stats));
    const runs = feeds.map(async ({ source, pipeline }) => {
      try {
        await source.run(pipeline.handle, abort.signal);
        logger.info({ source: source.kind, ...pipeline.stats }, "source finished");
      } catch (error) {
        // The other sources go on.
        logger.error({ err: error, source: source.kind }, "source failed");
        throw error;
      }
    });
    const finished = Promise.all(runs).then(() => undefined);
    // Logged above; a caller that does not wait for `finished` must not crash on it.
    finished.catch(() => undefined);
    const progress = setInterval(() => {
      logger.info({ ...stats(), topics: follower.topics.size }, "streamer progress");
    }, PROGRESS_LOG_MS);
    progress.unref();

    const health = await startHealthServer({
      host: env.STREAMER_HEALTH_HOST,
      port: env.STREAMER_HEALTH_PORT,
      checks: { kafka: () => kafka.ping() },
      metrics: registry,
    });
    logger.info(
      {
        sources: sources.map((source) => source.kind),
        topics: follower.topics.size,
        healthPort: health.port,
      },
      "streamer ready",
    );
    return {
      healthPort: health.port,
      get stats() {
        return stats();
      },
      finished,
      // Stop the source first; every batch it handed on is acknowledged once
      // `run` settles. Then the catalogue, Kafka, and the probes last.
      stop: once(async () => {
        clearInterval(progress);
        abort.abort();
        // Every source has ended, not only the first to fail.
        await Promise.allSettled(runs);
        await follower.stop();
        await kafka.close();
        await health.close();
        logger.info({ ...stats() }, "streamer stopped");
      }),
    };
  } catch (error) {
    abort.abort();
    await kafka.close().catch(() => undefined);
    throw error;
  }
}

/** The sum of several pipelines' counters. */
function sumStats(all: readonly Readonly<PipelineStats>[]): PipelineStats {
  const total: PipelineStats = {
    received: 0,
    duplicates: 0,
    unmatched: 0,
    invalid: 0,
    published: 0,
    deletions: 0,
  };
  for (const stats of all) {
    for (const key of Object.keys(total) as (keyof PipelineStats)[]) total[key] += stats[key];
  }
  return total;
}
