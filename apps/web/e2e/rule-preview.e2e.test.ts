// The admin's topic form previews the rule as it is typed, in a real browser
// against the built dashboard, a real web server and a real broker: the
// count (and per label) of what it would have matched in the last hour, a few
// sample posts newest first, a fresh preview for a changed rule, and no
// preview (only the rule check's error) for a bad rule.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  createKafkaClient,
  createLogger,
  encodeMessage,
  PreprocessedPost,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import { uniqueName } from "@tweetream/shared/testing";
import { loadWebEnv, startWebServer, type WebServer } from "../src/index.ts";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import { launchChromium } from "./chromium.ts";
import { ensureDashboardBuild } from "./ensure-build.ts";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = path.join(webDir, "e2e", "artifacts");
const logger = createLogger("rule-preview-e2e", "warn");
const prefix = uniqueName("preview");
const adminToken = "e2e-admin-token-0123456789";
const tmp = mkdtempSync(path.join(tmpdir(), "tweetream-preview-"));
const POSTS = 30;
/** Post i's text: every third about a traffic jam, every third about a flood. */
const textOf = (i: number) =>
  i % 3 === 0
    ? `Macet parah di Jl. Sudirman, laporan ${String(i)}`
    : i % 3 === 1
      ? `Banjir setinggi lutut di Kemang, laporan ${String(i)}`
      : `Ngopi dulu sebelum kerja, laporan ${String(i)}`;
let web: WebServer;
/** The same deployment, looking at no more than 10 posts a preview. */
let limitedWeb: WebServer;
let kafka: KafkaClient;
let context: BrowserContext;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  ensureDashboardBuild(webDir, process.env);
  const env = (extra: Record<string, string> = {}) =>
    loadWebEnv({
      KAFKA_BROKERS: inject("kafkaBrokers"),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      PORT: "0",
      WEB_HEALTH_PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: `file:${path.join(tmp, "catalogue.db")}`,
      ADMIN_TOKEN: adminToken,
      KAFKA_TOPIC_PARTITIONS: "2",
      ...extra,
    });
  web = await startWebServer({ env: env(), logger });
  const topics = topicNames(prefix);
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: prefix,
    logger,
    topics,
  });
  const created = await fetch(`http://127.0.0.1:${String(web.port)}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      query: `mutation { createTopic(input: { slug: "kota", name: "Kota", rule: "laporan" }) { slug } }`,
    }),
  });
  expect(created.status).toBe(200);
  // Twenty minutes ago on: inside the last hour the form previews.
  const start = Date.now() - 20 * 60_000;
  const producer = await kafka.createProducer();
  await producer.send(
    Array.from({ length: POSTS }, (_, i) => {
      const id = `e2e-${String(i)}`;
      const post = {
        ...classifiedPost(id, i % 2 ? "traffic" : "non_traffic", "kota"),
        text: textOf(i),
      };
      const { label: _l, score: _s, model: _m, classifiedAt: _c, ...preprocessed } = post;
      return [
        {
          topic: topics.preprocessed,
          key: id,
          timestamp: start + i * 1000,
          value: encodeMessage(PreprocessedPost, preprocessed),
        },
        {
          topic: topics.user("kota"),
          key: id,
          timestamp: start + i * 1000 + 10,
          value: encodeMessage(ClassifiedPost, post),
        },
      ];
    }).flat(),
  );
  await producer.disconnect();
  limitedWeb = await startWebServer({ env: env({ WEB_PREVIEW_MAX_SCANNED: "10" }), logger });
  context = await launchChromium(path.join(tmp, "chromium-profile"));
}, 300_000);

afterAll(async () => {
  await context.close();
  await kafka.close();
  await Promise.all([web.stop(), limitedWeb.stop()]);
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

async function newTopicForm(page: Page, server = web) {
  await page.goto(`http://127.0.0.1:${String(server.port)}/admin`);
  await page.getByLabel("Admin token").fill(adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "New topic" }).click();
  return page.getByTestId("topic-form");
}

describe("topic form rule preview", () => {
  it("shows the count by label and the newest matched posts as the rule is typed", async () => {
    const page = await context.newPage();
    const form = await newTopicForm(page);
    await form.getByLabel("Rule").pressSequentially("macet", { delay: 30 });
    const preview = form.getByTestId("rule-preview");
    // Posts 0, 3, …, 27: ten of the thirty; the odd ones (3, 9, …, 27) were labelled traffic.
    await expect
      .poll(() => preview.getByTestId("preview-count").textContent(), { timeout: 20_000 })
      .toBe("10 of 30 posts in the last hour matched");
    expect(await preview.getByTestId("preview-labels").textContent()).toBe(
      "5 traffic · 5 non-traffic · 0 not classified · 0 label unknown",
    );
    const sample = await preview.getByTestId("preview-post").allTextContents();
    expect(sample).toHaveLength(3);
    expect(sample[0]).toContain("laporan 27");
    expect(sample[1]).toContain("laporan 24");
    expect(sample[2]).toContain("laporan 21");
    expect(sample[0]).toContain("traffic");
    await page.screenshot({ path: path.join(artifacts, "rule-preview.png") });

    // A changed rule gets a fresh preview.
    await form.getByLabel("Rule").fill("banjir OR macet");
    await expect
      .poll(() => preview.getByTestId("preview-count").textContent(), { timeout: 20_000 })
      .toBe("20 of 30 posts in the last hour matched");
    expect(await preview.getByTestId("preview-post").first().textContent()).toContain("laporan 28");
    await page.close();
  });

  it("says when the server stopped at its limit, and what the counts cover", async () => {
    const page = await context.newPage();
    const form = await newTopicForm(page, limitedWeb);
    await form.getByLabel("Rule").fill("laporan");
    const preview = form.getByTestId("rule-preview");
    await expect
      .poll(() => preview.getByTestId("preview-stopped").textContent(), { timeout: 20_000 })
      .toBe("Stopped at the server's limit: the counts cover the newest 10 of 30 posts.");
    expect(await preview.getByTestId("preview-count").textContent()).toBe(
      "10 of 10 posts in the last hour matched",
    );
    await page.close();
  });

  it("leaves a bad rule to the rule check, with no preview", async () => {
    const page = await context.newPage();
    const form = await newTopicForm(page);
    await form.getByLabel("Rule").fill("macet OR");
    await expect
      .poll(() => form.getByTestId("rule-error").textContent(), { timeout: 20_000 })
      .toContain("At character 9");
    // Past the preview's debounce: still no preview and no second error.
    await page.waitForTimeout(1500);
    expect(await form.getByTestId("rule-preview").count()).toBe(0);
    expect(await form.getByTestId("preview-error").count()).toBe(0);
    await page.close();
  });
});
