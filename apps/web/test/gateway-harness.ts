// Helpers for the gateway tests: a web server on port 0 against the test
// broker and a catalogue (a SQLite file by default, or a database of its own on
// the TWEETREAM_TEST_POSTGRES_URL server), plain HTTP GraphQL calls, and
// graphql-ws clients whose results are collected for assertions.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FormattedExecutionResult } from "graphql";
import { createClient, type Client } from "graphql-ws";
import { inject } from "vitest";
import WebSocket from "ws";
import type { CatalogueProvider } from "@tweetream/catalogue";
import { freshDatabase } from "@tweetream/catalogue/testing";
import { createLogger } from "@tweetream/shared";
import { uniqueName, waitFor } from "@tweetream/shared/testing";

import { loadWebEnv, startWebServer, type WebServer } from "../src/index.ts";

export const ADMIN_TOKEN = "gateway-test-admin-token-0123456789";
export const logger = createLogger("gateway-test", "warn");

/** One deployment: a topic prefix and a catalogue file that web processes share. */
export interface Deployment {
  prefix: string;
  databaseUrl: string;
}

/** A deployment on a new SQLite file (left in the temporary directory). */
export function newDeployment(): Deployment {
  const dir = mkdtempSync(path.join(tmpdir(), "tweetream-gateway-"));
  return { prefix: uniqueName("gw"), databaseUrl: `file:${path.join(dir, "catalogue.db")}` };
}

/** A deployment whose catalogue is a database of its own, removed by `dispose`. */
export interface DisposableDeployment extends Deployment {
  provider: CatalogueProvider;
  /** Deletes the catalogue (stop the deployment's web servers first). */
  dispose(): Promise<void>;
}

/**
 * A deployment on a fresh, empty catalogue of `provider` (default SQLite;
 * PostgreSQL needs TWEETREAM_TEST_POSTGRES_URL, see `testDatabases()`). Not
 * migrated: the first web server migrates it at start, as in production.
 */
export async function freshDeployment(
  provider: CatalogueProvider = "sqlite",
): Promise<DisposableDeployment> {
  // Migrating PostgreSQL takes seconds; the web server does it anyway.
  const database = await freshDatabase(provider, { prefix: "gateway", migrate: false });
  return {
    prefix: uniqueName("gw"),
    databaseUrl: database.url,
    provider,
    dispose: () => database.dispose(),
  };
}

/** Starts a web server of `deployment` on port 0 (dashboard off); `env` overrides. */
export async function startWeb(
  deployment: Deployment,
  env: Record<string, string> = {},
): Promise<WebServer> {
  return startWebServer({
    env: loadWebEnv({
      NODE_ENV: "test",
      KAFKA_BROKERS: inject("kafkaBrokers"),
      KAFKA_TOPIC_PREFIX: deployment.prefix,
      KAFKA_TOPIC_PARTITIONS: "2",
      DATABASE_URL: deployment.databaseUrl,
      PORT: "0",
      WEB_HEALTH_PORT: "0",
      ADMIN_TOKEN,
      WEB_DASHBOARD: "off",
      LOG_LEVEL: "warn",
      ...env,
    }),
    logger,
  });
}

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; position?: number; [key: string]: unknown };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: GraphQLError[];
}

/** POSTs one GraphQL operation to `/graphql` (with the admin token when `token` is given). */
export async function graphql<T = Record<string, unknown>>(
  server: WebServer,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; authorization?: string } = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
  return { status: response.status, ...body };
}

/** Creates the topic `slug` through the API as the admin; throws on any error. */
export async function createTopic(
  server: WebServer,
  input: { slug: string; name?: string; rule: string },
): Promise<void> {
  const created = await graphql(
    server,
    "mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug } }",
    { input: { name: input.slug, ...input } },
    { token: ADMIN_TOKEN },
  );
  if (created.errors)
    throw new Error(`createTopic ${input.slug}: ${JSON.stringify(created.errors)}`);
}

/** The `extensions.code` of each error. */
export const codes = (response: { errors?: readonly GraphQLError[] | undefined }) =>
  (response.errors ?? []).map((e) => e.extensions?.code);

export const wsUrl = (server: WebServer) => `ws://127.0.0.1:${server.port}/graphql`;

/** A graphql-ws client (no retries, so failures surface). */
export function wsClient(server: WebServer, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: wsUrl(server),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/** What one subscription received. */
export interface Collected<T> {
  results: FormattedExecutionResult<T, unknown>[];
  errors: unknown[];
  completed: boolean;
  /** Stops the subscription (the client sends `complete`). */
  stop: () => void;
  /** Resolves with the results once `count` have arrived. */
  atLeast: (count: number, timeoutMs?: number) => Promise<FormattedExecutionResult<T, unknown>[]>;
  /** Resolves once the server completed or errored the subscription. */
  ended: (timeoutMs?: number) => Promise<void>;
}

/** Subscribes and collects everything that comes back. */
export function collect<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Collected<T> {
  const collected: Collected<T> = {
    results: [],
    errors: [],
    completed: false,
    stop: () => undefined,
    atLeast: (count, timeoutMs = 30_000) =>
      waitFor(() => (collected.results.length >= count ? collected.results : undefined), {
        timeoutMs,
        what: `${count} subscription results`,
      }),
    ended: async (timeoutMs = 20_000) => {
      await waitFor(() => (collected.completed || collected.errors.length > 0 ? true : undefined), {
        timeoutMs,
        what: "the subscription to end",
      });
    },
  };
  collected.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => collected.results.push(result),
      error: (error) => collected.errors.push(error),
      complete: () => {
        collected.completed = true;
      },
    },
  );
  return collected;
}

/** Opens a raw graphql-transport-ws socket and resolves with the code it is closed with. */
export async function closeCodeOf(
  server: WebServer,
  init: Record<string, unknown> | undefined,
  timeoutMs = 10_000,
): Promise<{ code: number; reason: string; acknowledged: boolean }> {
  const socket = new WebSocket(wsUrl(server), "graphql-transport-ws");
  let acknowledged = false;
  socket.on("message", (data: Buffer) => {
    if ((JSON.parse(data.toString("utf8")) as { type?: string }).type === "connection_ack") {
      acknowledged = true;
      socket.close(1000);
    }
  });
  if (init) {
    socket.on("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: init }));
    });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error("the socket was not closed in time"));
    }, timeoutMs);
    socket.on("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString("utf8"), acknowledged });
    });
  });
}

/** True while `/healthz` answers 200. */
export async function healthy(server: WebServer): Promise<boolean> {
  return (await fetch(`http://127.0.0.1:${server.healthPort}/healthz`)).status === 200;
}
