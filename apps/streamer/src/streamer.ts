import {
  coreTopicSpecs,
  createKafkaClient,
  once,
  startHealthServer,
  type Logger,
  type Service,
} from "@tweetream/shared";
import type { StreamerEnv } from "./env.ts";

export interface StreamerOptions {
  env: StreamerEnv;
  logger: Logger;
}

export interface Streamer extends Service {
  /** Port of the health server (useful when started on port 0). */
  healthPort: number;
}

/**
 * Starts the streamer: connects to Kafka, makes sure the core topics exist and
 * opens its idempotent producer. Sources, preprocessing and topic matching
 * arrive with issue #3.
 */
export async function startStreamer({ env, logger }: StreamerOptions): Promise<Streamer> {
  const kafka = createKafkaClient({
    brokers: env.KAFKA_BROKERS,
    clientId: "tweetream-streamer",
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
      host: env.STREAMER_HEALTH_HOST,
      port: env.STREAMER_HEALTH_PORT,
      checks: { kafka: () => kafka.ping() },
    });
    logger.info({ brokers: env.KAFKA_BROKERS, healthPort: health.port }, "streamer ready");
    return {
      healthPort: health.port,
      // Stop taking posts in first, then flush the producer, then the probes.
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
