// The dashboard's feed when it falls behind the server's history, in a real
// browser: the page's main thread is kept busy while about 29 MB of posts pass
// (Chromium then stops reading the WebSocket, so the server's socket fills),
// the server ends the subscription with SUBSCRIBER_TOO_SLOW, and the feed
// says so and resumes by itself from the cursor the server gave.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  createKafkaClient,
  createLogger,
  encodeMessage,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import { metricValue, uniqueName, waitFor } from "@tweetream/shared/testing";
import { loadWebEnv, startWebServer, type WebServer } from "../src/index.ts";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import { launchChromium } from "./chromium.ts";
import { ensureDashboardBuild } from "./ensure-build.ts";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = path.join(webDir, "e2e", "artifacts");
const logger = createLogger("feed-behind-e2e", "warn");
const prefix = uniqueName("behind");
const adminToken = "e2e-admin-token-0123456789";
const slug = "macet";
const tmp = mkdtempSync(path.join(tmpdir(), "tweetream-behind-"));
let web: WebServer;
let kafka: KafkaClient;
let context: BrowserContext;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  ensureDashboardBuild(webDir, process.env);
  web = await startWebServer({
    env: loadWebEnv({
      KAFKA_BROKERS: inject("kafkaBrokers"),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      PORT: "0",
      WEB_HEALTH_PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: `file:${path.join(tmp, "catalogue.db")}`,
      ADMIN_TOKEN: adminToken,
      KAFKA_TOPIC_PARTITIONS: "1",
      WEB_HISTORY_PER_TOPIC: "100",
    }),
    logger,
  });
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: prefix,
    logger,
    topics: topicNames(prefix),
  });
  context = await launchChromium(path.join(tmp, "chromium-profile"));
}, 300_000);

afterAll(async () => {
  await context.close();
  await kafka.close();
  await web.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe("dashboard feed", () => {
  it("says when it fell behind the server's history and resumes by itself", async () => {
    const created = await fetch(`http://127.0.0.1:${web.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        query: `mutation { createTopic(input: { slug: "${slug}", name: "Macet", rule: "macet" }) { slug } }`,
      }),
    });
    expect(created.status).toBe(200);

    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${web.port}/`);
    await page.getByLabel("Topic").selectOption(slug);
    await waitFor(() => (web.stats().hubSubscribers >= 1 ? true : undefined), {
      what: "the feed's subscription",
    });

    // Keep the page's main thread busy while the posts pass, then let it go.
    const busy = page.evaluate(() => {
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        // The page reads nothing meanwhile.
      }
    });
    const producer = await kafka.createProducer();
    const total = 1200;
    const padding = "a".repeat(24_000);
    for (let from = 0; from < total; from += 30) {
      const records = [];
      for (let i = from; i < from + 30; i++) {
        const post = {
          ...classifiedPost(`behind-${i}`, "traffic", slug),
          text: `macet ${i} ${padding}`,
        };
        records.push({
          topic: kafka.topics.user(slug),
          key: post.id,
          value: encodeMessage(ClassifiedPost, post),
        });
      }
      await producer.send(records);
    }
    await producer.disconnect();
    await waitFor(
      async () =>
        ((await metricValue(web.healthPort, "tweetream_web_subscriber_too_slow_total")) ?? 0) >= 1
          ? true
          : undefined,
      { what: "the server to end the feed's subscription as too slow", timeoutMs: 60_000 },
    );
    await busy;

    await page.getByTestId("feed-fell-behind").waitFor({ timeout: 30_000 });
    // No error, and no "feed has ended" (Apollo completes a subscription after its error).
    expect(await page.getByTestId("feed-ended").count()).toBe(0);
    expect(await page.getByRole("alert").filter({ hasText: /\S/ }).count()).toBe(0);
    // Resumed: the history's newest post arrives, and the subscription is back.
    await page
      .getByText(`macet ${total - 1} `, { exact: false })
      .first()
      .waitFor({ timeout: 30_000 });
    await waitFor(() => (web.stats().hubSubscribers >= 1 ? true : undefined), {
      what: "the feed's new subscription",
    });
    await page.screenshot({ path: path.join(artifacts, "feed-fell-behind.png") });
    await page.close();
  }, 180_000);
});
