// Starts the system under test as real processes: web, classifier and
// streamer, started by the one launcher (tooling/launcher) as `npm start`
// starts them, each with its own ports, Kafka topic prefix and catalogue
// database.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ServiceProcess } from "../../tooling/launcher/service-process.ts";
import { freePort, type ServiceName } from "../../tooling/launcher/services.ts";
import { BENCH_TOPICS, type BenchTopic } from "./bench-topics.ts";
import { graphql } from "./graphql-http.ts";
import { scrape, sumOf, byLabel } from "./prometheus.ts";
import { z } from "zod";

/** What every part of a run shares. */
export interface RunContext {
  brokers: string;
  /** Temporary folder for logs and catalogue databases. */
  workDir: string;
  adminToken: string;
  /** Every Kafka topic prefix used, so the topics can be deleted at the end. */
  prefixes: string[];
  log: (message: string) => void;
  /** Extra Node.js flags for the services, e.g. --cpu-prof. */
  serviceNodeArgs: string[];
}

export { freePort };

/** A fresh Kafka topic prefix, registered for clean-up. */
export function newPrefix(ctx: RunContext, what: string): string {
  const prefix = `bench-${what}-${randomBytes(3).toString("hex")}`;
  ctx.prefixes.push(prefix);
  return prefix;
}

/** A started service: its process, its port, and the port of /readyz and /metrics. */
export interface Service {
  process: ServiceProcess;
  pid: number;
  /** web: the dashboard and /graphql; the others: /readyz and /metrics. */
  port: number;
  /** /readyz and /metrics. */
  healthPort: number;
}

/** Waits until the service answers 200 on /readyz. */
export async function waitReady(service: Service, timeoutMs = 180_000): Promise<void> {
  await service.process.waitUntilReady(timeoutMs);
}

/** Options of one system under test. */
export interface StackOptions {
  prefix: string;
  /** Extra environment for the web server. */
  webEnv?: Record<string, string>;
}

/** Web + classifier (+ a streamer per step) on one Kafka topic prefix. */
export class Stack {
  readonly ctx: RunContext;
  readonly prefix: string;
  readonly web: Service;
  classifier: Service | undefined;
  streamer: Service | undefined;
  readonly #webEnv: Record<string, string>;
  #streamerRuns = 0;

  private constructor(
    ctx: RunContext,
    prefix: string,
    web: Service,
    webEnv: Record<string, string>,
  ) {
    this.ctx = ctx;
    this.prefix = prefix;
    this.web = web;
    this.#webEnv = webEnv;
  }

  get graphqlUrl(): string {
    return `http://127.0.0.1:${this.web.port}/graphql`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.web.port}/graphql`;
  }

  /** The environment every service of this stack gets. */
  static commonEnv(ctx: RunContext, prefix: string): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_BROKERS: ctx.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: "3",
      LOG_LEVEL: "warn",
    };
  }

  /** The web server's environment: production mode, no dashboard, limits raised for load. */
  static webEnv(
    ctx: RunContext,
    prefix: string,
    port: number,
    healthPort: number,
  ): Record<string, string> {
    return {
      HOST: "127.0.0.1",
      PORT: String(port),
      NODE_ENV: "production",
      WEB_HEALTH_PORT: String(healthPort),
      WEB_DASHBOARD: "off",
      ADMIN_TOKEN: ctx.adminToken,
      DATABASE_URL: `file:${path.join(ctx.workDir, `${prefix}.db`)}`,
      // Every load process connects from loopback, so the per-address limit
      // (default 100) would otherwise cap the fan-out.
      GRAPHQL_WS_MAX_CONNECTIONS_PER_IP: "100000",
      // Likewise the admin clients of the topic-admin scenario (default 60 mutations a minute),
      // and the subscribers (default 600 queries and subscriptions a minute).
      GRAPHQL_MUTATION_RATE_LIMIT: "100000",
      GRAPHQL_OPERATION_RATE_LIMIT: "1000000",
    };
  }

  static spawnService(
    ctx: RunContext,
    name: ServiceName,
    prefix: string,
    port: number,
    env: Record<string, string>,
  ): Service {
    const process = new ServiceProcess(name, {
      env: { ...Stack.commonEnv(ctx, prefix), ...env },
      nodeArgs: ctx.serviceNodeArgs,
      output: { file: path.join(ctx.workDir, `${prefix}-${name}.log`) },
      // Own process group, so the harness's Ctrl-C does not reach it before
      // the harness stops it.
      detached: true,
    }).start();
    const pid = process.pid;
    if (pid === undefined) throw new Error(`could not start ${name}`);
    return { process, pid, port, healthPort: process.healthPort };
  }

  /** Starts the web server (which migrates its catalogue) and waits until it is ready. */
  static async start(ctx: RunContext, options: StackOptions): Promise<Stack> {
    const port = await freePort();
    const healthPort = await freePort();
    const webEnv = { ...Stack.webEnv(ctx, options.prefix, port, healthPort), ...options.webEnv };
    const web = Stack.spawnService(ctx, "web", options.prefix, port, webEnv);
    const stack = new Stack(ctx, options.prefix, web, webEnv);
    await waitReady(web);
    return stack;
  }

  /** Creates topics through the API (returns when each is ACTIVE). */
  async createTopics(topics: readonly BenchTopic[] = BENCH_TOPICS): Promise<void> {
    for (const t of topics) {
      await graphql(
        this.graphqlUrl,
        "mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug status } }",
        { input: { slug: t.slug, name: t.slug, rule: t.rule } },
        z.unknown(),
        this.ctx.adminToken,
      );
    }
  }

  /** Starts the classifier and waits until it is ready (it has read the catalogue). */
  async startClassifier(): Promise<Service> {
    const port = await freePort();
    this.classifier = Stack.spawnService(this.ctx, "classifier", this.prefix, port, {
      CLASSIFIER_HEALTH_PORT: String(port),
    });
    await waitReady(this.classifier);
    return this.classifier;
  }

  /**
   * Starts a streamer with the synthetic source at `rate` posts/s that stops
   * after `limit` posts; waits until it is ready (it has read the catalogue).
   */
  async startStreamer(rate: number, limit: number): Promise<Service> {
    if (this.streamer) await this.stopStreamer();
    const port = await freePort();
    this.#streamerRuns++;
    this.streamer = Stack.spawnService(this.ctx, "streamer", this.prefix, port, {
      STREAMER_HEALTH_PORT: String(port),
      SYNTHETIC_RATE: String(rate),
      SYNTHETIC_LIMIT: String(limit),
      SYNTHETIC_SEED: String(1000 + this.#streamerRuns),
    });
    return this.streamer;
  }

  /**
   * Waits until the streamer has handled all `limit` posts (or `timeoutMs`
   * passed); returns what it published per topic, and when it finished.
   */
  async streamerDone(
    limit: number,
    timeoutMs: number,
  ): Promise<{
    handled: number;
    published: number;
    tagged: Record<string, number>;
    doneAt: number;
  }> {
    const streamer = this.streamer;
    if (!streamer) throw new Error("no streamer");
    const deadline = Date.now() + timeoutMs;
    let handled = 0;
    let published = 0;
    let tagged: Record<string, number> = {};
    while (Date.now() < deadline) {
      if (!streamer.process.running) {
        throw new Error(`streamer exited; log:\n${streamer.process.tail()}`);
      }
      const samples = await scrape(streamer.healthPort);
      if (samples) {
        handled = sumOf(samples, "tweetream_streamer_posts_total");
        published = sumOf(samples, "tweetream_streamer_posts_total", { outcome: "published" });
        tagged = byLabel(samples, "tweetream_streamer_tagged_total", "topic");
        if (handled >= limit) break;
      }
      await sleep(200);
    }
    return { handled, published, tagged, doneAt: Date.now() };
  }

  /**
   * Waits until the streamer has handled its first post; returns when it saw
   * it (epoch ms, up to one 100 ms poll late).
   */
  async streamerFirstPost(timeoutMs: number): Promise<number> {
    const streamer = this.streamer;
    if (!streamer) throw new Error("no streamer");
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!streamer.process.running) {
        throw new Error(`streamer exited; log:\n${streamer.process.tail()}`);
      }
      const samples = await scrape(streamer.healthPort);
      if (samples && sumOf(samples, "tweetream_streamer_posts_total") > 0) return Date.now();
      await sleep(100);
    }
    throw new Error(`the streamer sent no post in ${timeoutMs} ms`);
  }

  async stopStreamer(): Promise<void> {
    if (this.streamer) await this.streamer.process.stop(15_000);
    this.streamer = undefined;
  }

  /** Stops streamer, classifier and web, in that order. */
  async stop(): Promise<void> {
    await this.stopStreamer();
    if (this.classifier) await this.classifier.process.stop(15_000);
    await this.web.process.stop(15_000);
  }

  /** The web server's environment, for scenarios that restart or copy it. */
  get webEnvironment(): Readonly<Record<string, string>> {
    return this.#webEnv;
  }
}
