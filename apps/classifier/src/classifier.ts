import {
  ClassifiedPost,
  coreTopicSpecs,
  createKafkaClient,
  createMetricsRegistry,
  encodeMessage,
  followCatalogue,
  jsonDecoder,
  once,
  secondsSince,
  PreprocessedPost,
  type LanguageGate,
  type PostLabel,
  startHealthServer,
  TweetreamError,
  topicNames,
  type ConsumedRecord,
  type Logger,
  type OutgoingRecord,
  type Service,
} from "@tweetream/shared";
import type { ClassifierEnv } from "./env.ts";
import { createClassifierMetrics } from "./metrics.ts";
import { createLanguageGate } from "./language-gate.ts";
import { loadModel, type Model, type Prediction } from "./model.ts";

export interface ClassifierOptions {
  env: ClassifierEnv;
  logger: Logger;
  /** A model to use instead of loading CLASSIFIER_MODEL_DIR (tests). */
  model?: Model;
}

/** Counters of what the classifier did. */
export interface ClassifierStats {
  consumed: number;
  /** Posts labelled, by the model or as not classified. */
  classified: number;
  /** Of those, posts kept from the model because of their language. */
  notClassified: number;
  /** Posts written, one per (post, topic) pair. */
  published: number;
  /** (post, topic) pairs dropped because the topic is deleted or unknown. */
  droppedUnknownTopic: number;
}

export interface Classifier extends Service {
  /** Port of the health server (useful when started on port 0). */
  healthPort: number;
  stats: Readonly<ClassifierStats>;
}

const PROGRESS_LOG_MS = 10_000;
// Bounded so a send to a topic deleted meanwhile fails instead of retrying forever.
const USER_TOPIC_SEND_RETRIES = 6;

/**
 * Starts the classifier: joins the consumer group on the preprocessed-posts
 * topic, labels posts with the model in batches and writes each labelled post
 * to the topic of every user topic it carries. Offsets are committed only
 * after the output is acknowledged (at least once).
 */
export async function startClassifier({
  env,
  logger,
  model: given,
}: ClassifierOptions): Promise<Classifier> {
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafkaClient({
    brokers: env.KAFKA_BROKERS,
    clientId: "tweetream-classifier",
    logger,
    topics,
  });
  const registry = createMetricsRegistry("classifier");
  const metrics = createClassifierMetrics(registry);
  const stats: ClassifierStats = {
    consumed: 0,
    classified: 0,
    notClassified: 0,
    published: 0,
    droppedUnknownTopic: 0,
  };
  try {
    const model = given ?? (await loadModel(env.CLASSIFIER_MODEL_DIR));
    const languageGate = createLanguageGate({
      languages: model.languages,
      mode: env.CLASSIFIER_DETECT_LANGUAGE,
    });
    await kafka.ensureTopics(
      coreTopicSpecs(topics, {
        partitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      }),
    );
    const producer = await kafka.createProducer({ maxRetries: USER_TOPIC_SEND_RETRIES });
    const follower = await followCatalogue({
      kafka,
      logger,
      service: "classifier",
      onDeadLetter: (reason) => {
        metrics.deadLetters.inc({ reason });
      },
    });
    await follower.ready;

    /** One output record with what the metrics need to know about it. */
    interface Routed {
      record: OutgoingRecord;
      postId: string;
      slug: string;
      label: PostLabel;
    }

    /** One label per post: the model's, or not classified because of its language. */
    const label = async (
      posts: PreprocessedPost[],
    ): Promise<Pick<ClassifiedPost, "label" | "score" | "gate">[]> => {
      const gates: (LanguageGate | undefined)[] = [];
      // Promises only while the language detector is first loading.
      const waiting: Promise<void>[] = [];
      posts.forEach((post, i) => {
        const gate = languageGate.check(post);
        if (gate instanceof Promise) {
          waiting.push(
            gate.then((found) => {
              gates[i] = found;
            }),
          );
        } else gates[i] = gate;
      });
      if (waiting.length > 0) await Promise.all(waiting);
      const modelled = posts.filter((_, i) => gates[i] === undefined);
      let predictions: Prediction[] = [];
      if (modelled.length > 0) {
        const endTimer = metrics.inferenceSeconds.startTimer();
        predictions = await model.classify(modelled.map((post) => post.cleanText));
        endTimer();
        metrics.batchSize.observe(modelled.length);
      }
      if (predictions.length !== modelled.length) {
        throw new Error(
          `model returned ${predictions.length} predictions for ${modelled.length} posts`,
        );
      }
      let next = 0;
      return gates.map((gate) => {
        if (gate) return { label: "not_classified", score: 0, gate };
        const prediction = predictions[next++];
        if (!prediction) throw new Error("model predictions ran out");
        return prediction;
      });
    };

    const debug = logger.isLevelEnabled("debug");
    const classify = async (records: ConsumedRecord<PreprocessedPost>[]): Promise<Routed[]> => {
      const posts = records.map((r) => r.value);
      const labels = await label(posts);
      const out: Routed[] = [];
      const classifiedAt = Date.now();
      let notClassified = 0;
      labels.forEach(({ label, score, gate }, i) => {
        const post = posts[i];
        if (!post) return;
        if (gate) notClassified++;
        const classified: ClassifiedPost = {
          ...post,
          label,
          score,
          model: { name: model.name, version: model.version },
          ...(gate && { gate }),
          classifiedAt,
        };
        const value = encodeMessage(ClassifiedPost, classified);
        metrics.latency.observe(
          { stage: "classified" },
          secondsSince(post.ingestedAt, classifiedAt),
        );
        if (debug)
          logger.debug({ postId: post.id, label, score, gate, topics: post.topics }, "classified");
        for (const slug of post.topics) {
          if (follower.topics.has(slug)) {
            out.push({
              record: { topic: topics.user(slug), key: post.id, value },
              postId: post.id,
              slug,
              label,
            });
          } else {
            dropUnknown([{ postId: post.id, slug }]);
          }
        }
      });
      stats.notClassified += notClassified;
      metrics.posts.inc({ outcome: "not_classified" }, notClassified);
      stats.classified += records.length;
      metrics.posts.inc({ outcome: "classified" }, records.length);
      return out;
    };

    const dropUnknown = (dropped: { postId: string; slug: string }[]) => {
      stats.droppedUnknownTopic += dropped.length;
      metrics.dropped.inc({ reason: "unknown_topic" }, dropped.length);
      if (debug) {
        for (const { postId, slug } of dropped) {
          logger.debug({ postId, topic: slug }, "dropped a post for a deleted or unknown topic");
        }
      }
    };

    const send = async (routed: Routed[]) => {
      let out = routed;
      try {
        await producer.send(out.map((r) => r.record));
      } catch (error) {
        // A topic deleted while its posts were in flight: drop those, retry the rest.
        const live = out.filter((r) => follower.topics.has(r.slug));
        if (live.length === out.length) {
          throw new TweetreamError("could not publish classified posts", {
            retriable: true,
            cause: error,
          });
        }
        dropUnknown(
          out
            .filter((r) => !follower.topics.has(r.slug))
            .map(({ postId, slug }) => ({ postId, slug })),
        );
        await producer.send(live.map((r) => r.record));
        out = live;
      }
      stats.published += out.length;
      for (const { slug, label } of out) metrics.published.inc({ topic: slug, label });
    };

    const groupId = env.CLASSIFIER_GROUP_ID ?? `${topics.prefix}.classifier`;
    const consumer = await kafka.startConsumer<PreprocessedPost>({
      groupId,
      topics: [topics.preprocessed],
      fromBeginning: true,
      decode: jsonDecoder(PreprocessedPost),
      onDeadLetter: (reason) => {
        metrics.deadLetters.inc({ reason });
      },
      onProgress: ({ topic, partition, offset, highWatermark }) => {
        const lag = Number(BigInt(highWatermark) - BigInt(offset) - 1n);
        metrics.lag.set({ group: groupId, topic, partition: String(partition) }, Math.max(0, lag));
      },
      onBatch: async (records, { heartbeat }) => {
        stats.consumed += records.length;
        metrics.posts.inc({ outcome: "consumed" }, records.length);
        for (let i = 0; i < records.length; i += env.CLASSIFIER_BATCH_SIZE) {
          const out = await classify(records.slice(i, i + env.CLASSIFIER_BATCH_SIZE));
          await send(out);
          // Slow inference must not look like a dead member and cause a rebalance.
          await heartbeat();
        }
      },
    });
    const progress = setInterval(() => {
      logger.info({ ...stats }, "classifier progress");
    }, PROGRESS_LOG_MS);
    progress.unref();

    const health = await startHealthServer({
      host: env.CLASSIFIER_HEALTH_HOST,
      port: env.CLASSIFIER_HEALTH_PORT,
      checks: { kafka: () => kafka.ping() },
      metrics: registry,
    });
    logger.info(
      {
        model: `${model.name}@${model.version}`,
        topics: follower.topics.size,
        healthPort: health.port,
      },
      "classifier ready",
    );
    return {
      healthPort: health.port,
      stats,
      // Stop consuming (the batch in hand finishes and commits), then the rest.
      stop: once(async () => {
        clearInterval(progress);
        await consumer.stop();
        await follower.stop();
        await kafka.close();
        if (!given) await model.close();
        await health.close();
        logger.info({ ...stats }, "classifier stopped");
      }),
    };
  } catch (error) {
    await kafka.close().catch(() => undefined);
    throw error;
  }
}
