import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { migrateCatalogue, openCatalogue, redact } from "@tweetream/catalogue";
import {
  coreTopicSpecs,
  createKafkaClient,
  once,
  runReadinessChecks,
  topicNames,
  type Logger,
  type Service,
} from "@tweetream/shared";
import type { WebEnv } from "./env.ts";

export interface WebServerOptions {
  env: WebEnv;
  logger: Logger;
}

export interface WebServer extends Service {
  /** The port it listens on (useful when started on port 0). */
  port: number;
}

/**
 * Starts the web server: applies catalogue migrations, opens the catalogue,
 * connects to Kafka and serves `/healthz` and `/readyz`. The GraphQL gateway
 * and the dashboard mount on this server with issue #4.
 */
export async function startWebServer({ env, logger }: WebServerOptions): Promise<WebServer> {
  await migrateCatalogue(env.DATABASE_URL);
  const catalogue = openCatalogue(env.DATABASE_URL);
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafkaClient({
    brokers: env.KAFKA_BROKERS,
    clientId: "tweetream-web",
    logger,
    topics,
  });
  const checks = {
    kafka: () => kafka.ping(),
    database: () => catalogue.db.topic.count(),
  };
  const server = createServer((request, response) => {
    const path = request.url?.split("?")[0];
    if (path === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (path === "/readyz") {
      void runReadinessChecks(checks).then((result) => {
        response.writeHead(result.ok ? 200 : 503, { "content-type": "application/json" });
        response.end(JSON.stringify(result));
      });
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found\n");
  });

  try {
    await kafka.ensureTopics(
      coreTopicSpecs(topics, {
        partitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.PORT, env.HOST, resolve);
    });
  } catch (error) {
    await Promise.allSettled([kafka.close(), catalogue.close()]);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  logger.info(
    {
      url: `http://${env.HOST}:${port}`,
      database: redact(env.DATABASE_URL),
      catalogue: catalogue.provider,
    },
    "web ready",
  );

  return {
    port,
    // Stop accepting requests, then Kafka, then the database.
    stop: once(async () => {
      const closed = new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      });
      server.closeIdleConnections();
      const drain = setTimeout(() => {
        server.closeAllConnections();
      }, 10_000);
      try {
        await closed;
      } finally {
        clearTimeout(drain);
      }
      await kafka.close();
      await catalogue.close();
    }),
  };
}
