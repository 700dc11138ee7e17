import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { migrateCatalogue, openCatalogue, redact } from "@tweetream/catalogue";
import {
  coreTopicSpecs,
  createKafkaClient,
  createMetricsRegistry,
  once,
  startHealthServer,
  topicNames,
  type CatalogueFollower,
  type HealthServer,
  type Logger,
  type Service,
} from "@tweetream/shared";
import type { WebEnv } from "../env.ts";
import {
  LiveTopics,
  RulePreviews,
  startGateway,
  startTopicSync,
  trustedProxies,
  type Gateway,
} from "./graphql/index.ts";
import {
  exportHandler,
  kafkaLogSource,
  LogPages,
  ReplayBudget,
  RulePreviewer,
  TopicCounts,
} from "./history/index.ts";
import { PostHub } from "./hub/index.ts";
import { createWebMetrics } from "./metrics.ts";
import { createRequestLog } from "./request-log.ts";
import { apiHeaders, dashboardHeaders } from "./security-headers.ts";
import { TopicAdmin } from "./topics/index.ts";

export interface WebServerOptions {
  env: WebEnv;
  logger: Logger;
}

export interface WebServer extends Service {
  /** The public port: dashboard and /graphql (useful when started on port 0). */
  port: number;
  /** The internal port: /healthz, /readyz and /metrics. */
  healthPort: number;
  /** The admin token mutations need (ADMIN_TOKEN, or the one generated at start). */
  adminToken: string;
  /** Open GraphQL WebSockets and hub subscriptions, for tests and metrics. */
  stats(): { webSockets: number; hubSubscribers: number; topicsChangedListeners: number };
}

/** What serves every path of the public port that is not /graphql. */
interface PageHandler {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  handleUpgrade?(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** How long WebSocket clients get to answer the 1001 close at stop. */
const WEBSOCKET_CLOSE_TIMEOUT_MS = 5000;

/** The dashboard, when WEB_DASHBOARD=on and its module is present. */
async function loadDashboard(env: WebEnv, logger: Logger): Promise<PageHandler | undefined> {
  if (env.WEB_DASHBOARD === "off") return undefined;
  let module: { createNextHandler(options: { dev: boolean; dir: string }): Promise<PageHandler> };
  try {
    // Imported on demand so that WEB_DASHBOARD=off never loads Next.js.
    module = await import("./next-app.ts");
  } catch (error) {
    logger.warn({ err: error }, "no dashboard module; serving the API only");
    return undefined;
  }
  return module.createNextHandler({ dev: env.NODE_ENV !== "production", dir: webDir });
}

/**
 * Starts the web server: migrates and opens the catalogue, connects to Kafka,
 * reconciles topics, follows the catalogue, starts the post hub, then serves
 * `/graphql` (HTTP and WebSocket) and the dashboard on the public port, and
 * `/healthz`, `/readyz` and `/metrics` on an internal one (WEB_HEALTH_PORT),
 * which a reverse proxy never routes. `stop()` closes in the reverse order.
 */
export async function startWebServer({ env, logger }: WebServerOptions): Promise<WebServer> {
  const production = env.NODE_ENV === "production";
  const adminToken = env.ADMIN_TOKEN ?? randomBytes(24).toString("base64url");
  if (env.ADMIN_TOKEN === undefined) {
    // Only outside production (env.ts requires the variable there).
    logger.warn({ adminToken }, "ADMIN_TOKEN is not set; generated this admin token for this run");
  }

  await migrateCatalogue(env.DATABASE_URL);
  const catalogue = openCatalogue(env.DATABASE_URL);
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafkaClient({
    brokers: env.KAFKA_BROKERS,
    clientId: "tweetream-web",
    logger,
    topics,
  });
  const topicAdmin = new TopicAdmin({
    catalogue,
    kafka,
    logger,
    partitions: env.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
  });
  const registry = createMetricsRegistry("web");
  // The hub is created below; the gauge reads it only when scraped.
  const metrics = createWebMetrics(
    registry,
    () => hub.subscriberCount,
    () => gateway?.execution,
  );
  const hub = new PostHub({
    kafka,
    logger,
    historyPerTopic: env.WEB_HISTORY_PER_TOPIC,
    onDelivered: metrics.delivered,
    onTooSlow: metrics.subscriberTooSlow,
    onDuplicate: metrics.duplicate,
    onDeleted: metrics.deleted,
    onDeadLetter: (reason) => {
      metrics.deadLetters.inc({ reason });
    },
  });
  const live = new LiveTopics();
  const logSource = kafkaLogSource(kafka, topics);
  const counts = new TopicCounts({
    db: catalogue.db,
    source: logSource,
    logger,
    intervalMs: env.WEB_COUNTS_INTERVAL_MS,
  });
  const exportRoute = exportHandler({
    source: logSource,
    topicExists: (slug) => live.has(slug),
    hidden: (post) => hub.isDeleted(post),
    logger,
    maxConcurrent: env.WEB_EXPORT_MAX_CONCURRENT,
  });
  const previewer = new RulePreviewer(logSource, topics.preprocessed, {
    timeLimitMs: env.WEB_PREVIEW_TIME_LIMIT_MS,
    maxScanned: env.WEB_PREVIEW_MAX_SCANNED,
    progressIntervalMs: env.WEB_PREVIEW_PROGRESS_MS,
    topicExists: (slug) => live.has(slug),
    scanWorkers: env.WEB_PREVIEW_SCAN_WORKERS,
  });
  const checks = {
    kafka: () => kafka.ping(),
    database: () => catalogue.db.topic.count(),
  };

  let follower: CatalogueFollower | undefined;
  let gateway: Gateway | undefined;
  let pages: PageHandler | undefined;
  let stopping = false;

  let health: HealthServer | undefined;

  /** Answers a request whose security headers are set, by its path. */
  const serve = (request: IncomingMessage, response: ServerResponse, route: string | undefined) => {
    if (route === "/graphql" && gateway) {
      gateway.handleHttp(request, response, request.log);
      return;
    }
    if (route === "/export") {
      exportRoute(request, response).catch((error: unknown) => {
        request.log.error({ err: error }, "export failed");
        response.destroy();
      });
      return;
    }
    if (pages) {
      pages.handle(request, response).catch((error: unknown) => {
        request.log.error({ err: error, path: route }, "dashboard request failed");
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found\n");
  };
  const requestLog = createRequestLog(logger);
  const pageHeaders = dashboardHeaders(!production);
  const otherHeaders = apiHeaders();
  const server = createServer((request, response) => {
    requestLog(request, response);
    const route = request.url?.split("?")[0];
    // helmet only sets headers and calls back at once.
    (route === "/graphql" || route === "/export" ? otherHeaders : pageHeaders)(
      request,
      response,
      () => {
        serve(request, response, route);
      },
    );
  });

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const route = request.url?.split("?")[0];
    if (stopping) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
    } else if (route === "/graphql" && gateway) {
      gateway.handleUpgrade(request, socket, head);
    } else if (pages?.handleUpgrade) {
      pages.handleUpgrade(request, socket, head);
    } else {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
    }
  });

  const cleanUp = async () => {
    const failures: unknown[] = [];
    const attempt = async (step: string, action: () => Promise<void>) => {
      logger.debug({ step }, "stopping");
      try {
        await action();
      } catch (error) {
        logger.error({ err: error, step }, "stop step failed");
        failures.push(error);
      }
    };
    stopping = true;
    // Stop accepting; open HTTP connections finish below.
    if (server.listening) server.close();
    if (gateway) {
      const current = gateway;
      await attempt("websockets", () => current.closeWebSockets(WEBSOCKET_CLOSE_TIMEOUT_MS));
      // Apollo's drain plugin waits for open requests, then cuts what is left.
      await attempt("http", () => current.stop());
    } else {
      server.closeAllConnections();
    }
    if (pages) await attempt("dashboard", pages.close.bind(pages));
    await attempt("hub", () => hub.stop());
    await attempt("topic counts", () => counts.stop());
    await attempt("rule preview workers", () => previewer.close());
    if (follower) await attempt("catalogue follower", follower.stop.bind(follower));
    if (health) await attempt("health port", health.close.bind(health));
    await attempt("kafka", () => kafka.close());
    await attempt("catalogue", () => catalogue.close());
    if (failures.length > 0)
      throw new AggregateError(failures, "the web server did not stop cleanly");
  };

  try {
    await kafka.ensureTopics(
      coreTopicSpecs(topics, {
        partitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      }),
    );
    await topicAdmin.reconcile();
    follower = await startTopicSync({
      kafka,
      logger,
      hub,
      topics: topicAdmin,
      live,
      onDeadLetter: (reason) => {
        metrics.deadLetters.inc({ reason });
      },
    });
    counts.start();
    gateway = await startGateway({
      services: {
        hub,
        history: new LogPages(logSource),
        counts,
        log: logSource,
        replayRate: env.WEB_REPLAY_RATE,
        replayBudget: new ReplayBudget(env.WEB_REPLAY_TOTAL_RATE),
        previews: new RulePreviews(previewer, env.WEB_PREVIEW_MAX_CONCURRENT),
        topics: topicAdmin,
        live,
        logger,
        onSubscriberDropped: metrics.subscriberDropped,
      },
      httpServer: server,
      adminToken,
      corsOrigins: env.GRAPHQL_CORS_ORIGINS,
      production,
      introspection: env.GRAPHQL_INTROSPECTION ?? !production,
      drainTimeoutMs: env.WEB_DRAIN_TIMEOUT_MS,
      logger,
      limits: {
        maxDepth: env.GRAPHQL_MAX_DEPTH,
        maxCost: env.GRAPHQL_MAX_COST,
        maxAliases: env.GRAPHQL_MAX_ALIASES,
        maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
        maxTokens: env.GRAPHQL_MAX_TOKENS,
        maxBodyBytes: env.GRAPHQL_MAX_BODY_BYTES,
        maxSubscriptionsPerConnection: env.GRAPHQL_WS_MAX_SUBSCRIPTIONS,
        maxConnectionsPerIp: env.GRAPHQL_WS_MAX_CONNECTIONS_PER_IP,
        clientIp: {
          header: env.GRAPHQL_CLIENT_IP_HEADER,
          trust: trustedProxies(env.GRAPHQL_TRUSTED_PROXIES),
        },
        connectionInitWaitTimeoutMs: env.GRAPHQL_WS_INIT_TIMEOUT_MS,
        mutationsPerMinute: env.GRAPHQL_MUTATION_RATE_LIMIT,
        operationsPerMinute: env.GRAPHQL_OPERATION_RATE_LIMIT,
        authFailures: env.GRAPHQL_AUTH_FAILURE_LIMIT,
        previewsPerMinute: env.GRAPHQL_PREVIEW_RATE_LIMIT,
      },
    });
    pages = await loadDashboard(env, logger);
    health = await startHealthServer({
      host: env.WEB_HEALTH_HOST,
      port: env.WEB_HEALTH_PORT,
      checks,
      metrics: registry,
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.PORT, env.HOST, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await cleanUp().catch((cleanupError: unknown) => {
      logger.error({ err: cleanupError }, "cleanup after a failed start failed");
    });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  logger.info(
    {
      url: `http://${env.HOST}:${port}`,
      graphql: `http://${env.HOST}:${port}/graphql`,
      healthPort: health.port,
      database: redact(env.DATABASE_URL),
      catalogue: catalogue.provider,
      topics: live.slugs.size,
      dashboard: pages !== undefined,
    },
    "web ready",
  );

  return {
    port,
    healthPort: health.port,
    adminToken,
    stats: () => ({
      webSockets: gateway.connections,
      hubSubscribers: hub.subscriberCount,
      topicsChangedListeners: live.listenerCount,
    }),
    stop: once(cleanUp),
  };
}
