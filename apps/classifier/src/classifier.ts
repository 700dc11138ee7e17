import {
  coreTopicSpecs,
  createKafkaClient,
  once,
  startHealthServer,
  type Logger,
  type Service,
} from "@tweetream/shared";
import type { ClassifierEnv } from "./env.ts";

export interface ClassifierOptions {
  env: ClassifierEnv;
  logger: Logger;
}

export interface Classifier extends Service {
  /** Port of the health server (useful when started on port 0). */
  healthPort: number;
}

/**
 * Starts the classifier: connects to Kafka, makes sure the core topics exist
 * and opens its idempotent producer. It joins the consumer group on
 * `tweetream.tweets.preprocessed` only once the model exists (issue #3), so
 * that no post is consumed and committed without being classified.
 */
export async function startClassifier({ env, logger }: ClassifierOptions): Promise<Classifier> {
  const kafka = createKafkaClient({
    brokers: env.KAFKA_BROKERS,
    clientId: "tweetream-classifier",
    logger,
  });
  try {
    await kafka.ensureTopics(
      coreTopicSpecs({
        partitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      }),
    );
    await kafka.createProducer();
    const health = await startHealthServer({
      host: env.CLASSIFIER_HEALTH_HOST,
      port: env.CLASSIFIER_HEALTH_PORT,
      checks: { kafka: () => kafka.ping() },
    });
    logger.info({ brokers: env.KAFKA_BROKERS, healthPort: health.port }, "classifier ready");
    return {
      healthPort: health.port,
      // Stop consuming first, then flush the producer, then the probes.
      stop: once(async () => {
        await kafka.close();
        await health.close();
      }),
    };
  } catch (error) {
    await kafka.close().catch(() => undefined);
    throw error;
  }
}
