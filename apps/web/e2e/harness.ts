// Helpers for the browser tests: the built dashboard, served in production
// mode by a web server of a deployment of its own (a topic prefix and a SQLite
// catalogue in a temporary directory) against the test broker, a Kafka client
// of that deployment's topics, a headless Chromium, and screenshots kept in
// e2e/artifacts. The servers come from the gateway tests' `startWeb`, so
// `createTopic` and `ADMIN_TOKEN` from gateway-harness.ts work against them.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { inject } from "vitest";
import { createKafkaClient, topicNames, type KafkaClient } from "@tweetream/shared";
import { uniqueName } from "@tweetream/shared/testing";
import type { WebServer } from "../src/index.ts";
import { logger, startWeb, type Deployment } from "../test/gateway-harness.ts";
import { launchChromium } from "./chromium.ts";
import { ensureDashboardBuild } from "./ensure-build.ts";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = path.join(webDir, "e2e", "artifacts");

/** A running deployment with the dashboard, and a browser to look at it. */
export interface Dashboard {
  /** The first web server, and its address (`http://127.0.0.1:<port>`). */
  web: WebServer;
  base: string;
  /** A client of the deployment's topics, to write posts with. */
  kafka: KafkaClient;
  context: BrowserContext;
  /** Starts another web server of the deployment, with `env` overrides too. */
  startWeb(env?: Record<string, string>): Promise<WebServer>;
  /** Closes the browser and the client, stops the servers, deletes the directory. */
  stop(): Promise<void>;
}

/**
 * Builds the dashboard unless its build is up to date, then starts a
 * deployment whose topic prefix starts with `name`: a web server with
 * NODE_ENV=production (and `env` over startWeb's settings), a Kafka client and
 * a Chromium context (with `browser`'s options). Stops what it started if a
 * step fails.
 */
export async function startDashboard(
  name: string,
  options: { env?: Record<string, string>; browser?: Parameters<typeof launchChromium>[1] } = {},
): Promise<Dashboard> {
  mkdirSync(artifacts, { recursive: true });
  ensureDashboardBuild(webDir, process.env);
  const dir = mkdtempSync(path.join(tmpdir(), `tweetream-e2e-${name}-`));
  const deployment: Deployment = {
    prefix: uniqueName(name),
    databaseUrl: `file:${path.join(dir, "catalogue.db")}`,
  };
  const servers: WebServer[] = [];
  let kafka: KafkaClient | undefined;
  let context: BrowserContext | undefined;
  const startServer = async (env: Record<string, string> = {}) => {
    const server = await startWeb(deployment, {
      NODE_ENV: "production",
      WEB_DASHBOARD: "on",
      ...options.env,
      ...env,
    });
    servers.push(server);
    return server;
  };
  const stop = async () => {
    await context?.close();
    await kafka?.close();
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const web = await startServer();
    kafka = createKafkaClient({
      brokers: inject("kafkaBrokers").split(","),
      clientId: deployment.prefix,
      logger,
      topics: topicNames(deployment.prefix),
    });
    context = await launchChromium(path.join(dir, "chromium-profile"), options.browser);
    const base = `http://127.0.0.1:${String(web.port)}`;
    return { web, base, kafka, context, startWeb: startServer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Saves a screenshot of `page` as e2e/artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}
