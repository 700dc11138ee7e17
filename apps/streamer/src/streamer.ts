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
import { createSource } from "./sources/index.ts";
import type { Source } from "./sources/source.ts";

export interface StreamerOptions {
  env: StreamerEnv;
  logger: Logger;
  /** A source to use instead of the one STREAMER_SOURCE names (tests). */
  source?: Source;
}

export interface Streamer extends Service {
  /** Port of the health server (useful when started on port 0). */
  healthPort: number;
  stats: Readonly<PipelineStats>;
  /** Settles when the source ends: resolves when exhausted or stopped, rejects if it failed. */
  finished: Promise<void>;
}

const PROGRESS_LOG_MS = 10_000;

/**
 * Starts the streamer: loads the topic catalogue from the control topic, then
 * runs the source, cleaning and tagging each post and publishing the tagged
 * ones to the preprocessed-posts topic. Catalogue changes apply live.
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
    const source = given ?? createSource(env, logger, metrics);
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
      try {
        await source.setTopics?.(new Map([...all].map(([slug, topic]) => [slug, topic.rule])));
      } catch (error) {
        logger.error({ err: error }, "source could not sync its topics");
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

    const pipeline = new PostPipeline({
      producer,
      topic: topics.preprocessed,
      deletedTopic: topics.deleted,
      source: source.kind,
      matcher,
      knownTopics: () => follower.topics,
      dedupeWindow: env.STREAMER_DEDUPE_WINDOW,
      logger,
      metrics,
    });
    const finished = source.run(pipeline.handle, abort.signal);
    finished.then(
      () => {
        logger.info({ ...pipeline.stats }, "source finished");
      },
      (error: unknown) => {
        logger.error({ err: error }, "source failed");
      },
    );
    const progress = setInterval(() => {
      logger.info({ ...pipeline.stats, topics: follower.topics.size }, "streamer progress");
    }, PROGRESS_LOG_MS);
    progress.unref();

    const health = await startHealthServer({
      host: env.STREAMER_HEALTH_HOST,
      port: env.STREAMER_HEALTH_PORT,
      checks: { kafka: () => kafka.ping() },
      metrics: registry,
    });
    logger.info(
      { source: source.kind, topics: follower.topics.size, healthPort: health.port },
      "streamer ready",
    );
    return {
      healthPort: health.port,
      stats: pipeline.stats,
      finished,
      // Stop the source first; every batch it handed on is acknowledged once
      // `run` settles. Then the catalogue, Kafka, and the probes last.
      stop: once(async () => {
        clearInterval(progress);
        abort.abort();
        await finished.catch(() => undefined);
        await follower.stop();
        await kafka.close();
        await health.close();
        logger.info({ ...pipeline.stats }, "streamer stopped");
      }),
    };
  } catch (error) {
    abort.abort();
    await kafka.close().catch(() => undefined);
    throw error;
  }
}
