// The dashboard in a real browser against the whole system in-process: the
// web server (gateway + production Next build) on port 0, the classifier and
// the streamer's synthetic source on the test broker, Debian's Chromium driven
// by playwright-core. Screenshots land in apps/web/e2e/artifacts/ (gitignored).
// In the root project: it runs all three apps, which an app's own tests may
// not import.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadClassifierEnv, startClassifier, type Classifier } from "@tweetream/classifier";
import {
  ClassifiedPost,
  createKafkaClient,
  createLogger,
  encodeMessage,
  PostDeleted,
  topicNames,
  type KafkaClient,
  type OutgoingRecord,
} from "@tweetream/shared";
import { uniqueName, waitFor } from "@tweetream/shared/testing";
import { loadStreamerEnv, startStreamer, type Streamer } from "@tweetream/streamer";
import { loadWebEnv, startWebServer, type WebEnv, type WebServer } from "@tweetream/web";
import { classifiedPost } from "../apps/web/src/server/hub/hub-fixtures.ts";
import { z } from "zod";
import { launchChromium } from "../apps/web/e2e/chromium.ts";
import { ensureDashboardBuild } from "../apps/web/e2e/ensure-build.ts";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../apps/web");
const artifacts = path.join(webDir, "e2e", "artifacts");
const brokers = inject("kafkaBrokers");
const logger = createLogger("dashboard-e2e", "warn");
const prefix = uniqueName("dash");
const adminToken = "e2e-admin-token-0123456789";
const slug = "lalu-lintas";
const rule = "macet OR padat OR lancar";

const RecentIds = z.object({
  data: z.object({
    tweets: z.object({ edges: z.array(z.object({ node: z.object({ id: z.string() }) })) }),
  }),
});

const tmp = mkdtempSync(path.join(tmpdir(), "tweetream-dashboard-"));
let base: string;
let web: WebServer;
let webEnv: WebEnv;
let context: BrowserContext;
/** Console messages from any page that report a Content-Security-Policy violation. */
const cspViolations: string[] = [];
/** Stops what beforeAll started, newest first. */
const stops: (() => Promise<unknown>)[] = [];

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: false });
}

/** Waits until the number `read` returns satisfies `ok`, and returns it. */
async function number(read: () => Promise<number>, ok: (n: number) => boolean, what: string) {
  return waitFor(
    async () => {
      const n = await read();
      return ok(n) ? n : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 200, what },
  );
}

const countOf = async (page: Page, testId: string) => page.getByTestId(testId).count();
const pausedCount = async (page: Page) =>
  Number.parseInt((await page.getByTestId("paused-count").textContent()) ?? "0", 10);
const counterTotal = async (page: Page) =>
  Number.parseInt(
    ((await page.getByTestId("counters").locator("dd").last().textContent()) ?? "0").replace(
      /\D/g,
      "",
    ) || "0",
    10,
  );

/** The label badge of every post shown (null for a post without one), read in one go. */
const labelsShown = (page: Page) =>
  page
    .getByTestId("post")
    .evaluateAll((items) =>
      items.map(
        (item) =>
          item.querySelector('[data-testid="label-badge"]')?.getAttribute("data-label") ?? null,
      ),
    );

/** Writes records to Kafka as the streamer and classifier would, through a short-lived producer. */
async function writeToKafka(records: (kafka: KafkaClient) => OutgoingRecord[]) {
  const kafka = createKafkaClient({
    brokers: brokers.split(","),
    clientId: "dashboard-e2e",
    logger,
    topics: topicNames(prefix),
  });
  try {
    const producer = await kafka.createProducer();
    await producer.send(records(kafka));
    await producer.disconnect();
  } finally {
    await kafka.close();
  }
}

async function signIn(page: Page) {
  await page.goto(`${base}/admin`);
  await page.getByLabel("Admin token").fill(adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "New topic" }).waitFor();
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  ensureDashboardBuild(webDir, process.env);
  const common = { KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: "warn" };
  webEnv = loadWebEnv({
    ...common,
    NODE_ENV: "production",
    PORT: "0",
    WEB_HEALTH_PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${path.join(tmp, "catalogue.db")}`,
    ADMIN_TOKEN: adminToken,
    KAFKA_TOPIC_PARTITIONS: "1",
  });
  web = await startWebServer({ env: webEnv, logger });
  stops.push(() => web.stop());
  base = `http://127.0.0.1:${web.port}`;
  const classifier: Classifier = await startClassifier({
    env: loadClassifierEnv({ ...common, NODE_ENV: "test", CLASSIFIER_HEALTH_PORT: "0" }),
    logger,
  });
  stops.push(() => classifier.stop());
  const streamer: Streamer = await startStreamer({
    env: loadStreamerEnv({
      ...common,
      NODE_ENV: "test",
      STREAMER_HEALTH_PORT: "0",
      STREAMER_SOURCE: "synthetic",
      SYNTHETIC_SEED: "20261126",
      SYNTHETIC_RATE: "15",
    }),
    logger,
  });
  stops.push(() => streamer.stop());
  context = await launchChromium(path.join(tmp, "chromium-profile"), {
    viewport: { width: 1280, height: 860 },
    colorScheme: "light",
  });
  stops.push(() => context.close());
  context.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  // Each violation also fires `securitypolicyviolation` in the page: log those
  // too, so that one Chromium does not print is still caught above.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `Content-Security-Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`,
      );
    });
  });
}, 300_000);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe("dashboard", () => {
  let feed: Page;

  it("lets an admin sign in and create a topic, checking the rule as they type", async () => {
    const page = await context.newPage();
    const response = await page.goto(base);
    // The server's CSP is on (scripts by this page's nonce only, sockets to this
    // host only), and the page still runs and connects its WebSocket under it.
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+={0,2}' 'strict-dynamic';/);
    const host = `127.0.0.1:${String(web.port)}`;
    expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host};`);
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
    await signIn(page);

    await page.getByRole("button", { name: "New topic" }).click();
    const form = page.getByTestId("topic-form");
    await form.getByLabel("Slug").fill(slug);
    await form.getByLabel("Name").fill("Lalu lintas");
    await form.getByLabel("Rule").fill("macet OR (padat");
    await expect
      .poll(() => form.getByTestId("rule-error").textContent())
      .toMatch(/At character \d+:/);
    await shot(page, "admin-rule-error");
    await form.getByLabel("Rule").fill(rule);
    await form.getByTestId("rule-ok").waitFor();
    await form.getByRole("button", { name: "Create topic" }).click();
    await page.locator(`[data-testid="admin-topic"][data-slug="${slug}"]`).waitFor();
    expect(await page.getByTestId("topic-form").count()).toBe(0);

    // A server-side refusal is shown next to the field it names.
    await page.getByRole("button", { name: "New topic" }).click();
    await form.getByLabel("Slug").fill(slug);
    await form.getByLabel("Name").fill("Again");
    await form.getByLabel("Rule").fill("macet");
    await form.getByRole("button", { name: "Create topic" }).click();
    await expect.poll(() => form.getByTestId("field-error").first().textContent()).toBeTruthy();
    await shot(page, "admin-conflict");
    await form.getByRole("button", { name: "Cancel" }).click();
    await page.close();
  }, 120_000);

  it("shows the topic's classified posts live, with highlights, pause and resume", async () => {
    feed = await context.newPage();
    await feed.goto(base);
    await feed.getByLabel("Topic").selectOption(slug);
    const posts = () => countOf(feed, "post");
    await number(posts, (n) => n >= 8, "at least 8 posts in the feed");
    const labels = await labelsShown(feed);
    expect(labels.every((label) => label === "TRAFFIC" || label === "NON_TRAFFIC")).toBe(true);
    const marks = await feed.getByTestId("feed").locator("mark").allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((mark) => /^(macet|padat|lancar)$/i.test(mark))).toBe(true);
    await number(
      () => counterTotal(feed),
      (n) => n > 0,
      "the counters to count posts",
    );
    await feed.getByTestId("chart").locator(".recharts-bar-rectangle").first().waitFor();
    await shot(feed, "feed-desktop");

    await feed.getByRole("button", { name: "Pause" }).click();
    const frozen = await posts();
    await number(
      () => pausedCount(feed),
      (n) => n >= 3,
      "arrivals while paused",
    );
    expect(await posts()).toBe(frozen);
    await shot(feed, "feed-paused");
    const held = await pausedCount(feed);
    await feed.getByRole("button", { name: "Resume" }).click();
    await number(posts, (n) => n >= Math.min(200, frozen + held), "the held posts to show");
    expect(await feed.getByTestId("paused-count").count()).toBe(0);
  }, 120_000);

  it("shows each post's source, and a Bluesky post with a link to it until it is deleted", async () => {
    const badges = await feed
      .getByTestId("source-badge")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-source")));
    expect(badges.length).toBeGreaterThan(0);
    expect(new Set(badges)).toEqual(new Set(["SYNTHETIC"]));
    expect(await feed.getByTestId("source-link").count()).toBe(0);

    // A Bluesky post as the classifier writes it, straight into the topic's log.
    const did = "did:plc:q235v55g5unth4zjjdpacfdr";
    const post: ClassifiedPost = {
      ...classifiedPost(`at://${did}/app.bsky.feed.post/3mmoojp4cd223`, "traffic", slug),
      source: "bluesky",
      url: `https://bsky.app/profile/${did}/post/3mmoojp4cd223`,
      author: { id: did, username: "" },
      text: "Jalan tol macet total dari Cawang (Bluesky)",
    };
    await writeToKafka((kafka) => [
      { topic: kafka.topics.user(slug), key: post.id, value: encodeMessage(ClassifiedPost, post) },
    ]);

    const card = feed.locator(`[data-testid="post"][data-id="${post.id}"]`);
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByTestId("source-badge").getAttribute("data-source")).toBe("BLUESKY");
    const link = card.getByTestId("source-link");
    expect(await link.getAttribute("href")).toBe(post.url);
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    // An author without a known handle goes by their DID.
    expect(await card.textContent()).toContain(did);
    await card.scrollIntoViewIfNeeded();
    await shot(feed, "feed-bluesky-post");

    // The source filter keeps only the Bluesky post.
    await feed.getByTestId("source-filter").selectOption("BLUESKY");
    await number(
      () => countOf(feed, "post"),
      (n) => n === 1,
      "only the Bluesky post",
    );
    await card.waitFor();

    // Its author deletes it: the streamer writes the deletion, and the card goes.
    const deletion: PostDeleted = { v: 1, id: post.id, source: "bluesky", deletedAt: Date.now() };
    await writeToKafka((kafka) => [
      { topic: kafka.topics.deleted, key: post.id, value: encodeMessage(PostDeleted, deletion) },
    ]);
    await card.waitFor({ state: "detached", timeout: 30_000 });
    await feed.getByTestId("source-filter").selectOption("ALL");
    await number(
      () => countOf(feed, "post"),
      (n) => n > 1,
      "posts of every source again",
    );
    const recent = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `query ($topic: ID!) { tweets(topic: $topic, first: 100) { edges { node { id } } } }`,
        variables: { topic: slug },
      }),
    });
    const ids = RecentIds.parse(await recent.json()).data.tweets.edges.map((e) => e.node.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(post.id);
  }, 120_000);

  it("replaces a post its author edited, marked as edited", async () => {
    const id = "https://mastodon.example/api/v1/statuses/77";
    const first: ClassifiedPost = {
      ...classifiedPost(id, "traffic", slug),
      source: "mastodon",
      text: "Jalan Kaliurang padat (Mastodon)",
    };
    const editedAt = new Date().toISOString();
    const edit: ClassifiedPost = {
      ...first,
      text: "Jalan Kaliurang macet total (Mastodon)",
      editedAt,
    };
    const post = (value: ClassifiedPost) => (kafka: KafkaClient) => [
      { topic: kafka.topics.user(slug), key: id, value: encodeMessage(ClassifiedPost, value) },
    ];
    await writeToKafka(post(first));
    const cards = feed.locator(`[data-testid="post"][data-id="${id}"]`);
    await cards.first().waitFor({ timeout: 30_000 });
    expect(await cards.first().getByTestId("edited").count()).toBe(0);

    const removal: PostDeleted = { v: 1, id, source: "mastodon", deletedAt: Date.now(), editedAt };
    await writeToKafka((kafka) => [
      { topic: kafka.topics.deleted, key: id, value: encodeMessage(PostDeleted, removal) },
      ...post(edit)(kafka),
    ]);
    await cards.getByTestId("edited").waitFor({ timeout: 30_000 });
    await number(
      () => cards.count(),
      (n) => n === 1,
      "one card for the edited post",
    );
    expect(await cards.textContent()).toContain("macet total");
  }, 120_000);

  it("filters by label and fits a phone screen, light and dark", async () => {
    await feed.getByLabel("Label").selectOption("TRAFFIC");
    await number(
      () => countOf(feed, "post"),
      (n) => n >= 1,
      "traffic posts",
    );
    const labels = await labelsShown(feed);
    expect(new Set(labels)).toEqual(new Set(["TRAFFIC"]));

    // A Bluesky post in English, which the classifier left to no label.
    const english: ClassifiedPost = {
      ...classifiedPost("at://did:plc:e2e/app.bsky.feed.post/3en", "not_classified", slug),
      source: "bluesky",
      text: "Traffic is padat on the ring road this morning",
      lang: "en",
      score: 0,
      gate: { language: "en", by: "tag" },
    };
    await writeToKafka((kafka) => [
      {
        topic: kafka.topics.user(slug),
        key: english.id,
        value: encodeMessage(ClassifiedPost, english),
      },
    ]);
    await feed.getByLabel("Label").selectOption("NOT_CLASSIFIED");
    const card = feed.locator(`[data-testid="post"][data-id="${english.id}"]`);
    await card.waitFor({ timeout: 30_000 });
    expect(await countOf(feed, "post")).toBe(1);
    expect(await card.getByTestId("label-badge").textContent()).toBe("Not classified (en)");
    // No model confidence is shown for a post the model did not label.
    expect(await card.textContent()).not.toMatch(/\d%/);
    const notClassified = feed
      .getByTestId("counters")
      .locator("div", { hasText: "Not classified" });
    await number(
      async () => Number((await notClassified.locator("dd").textContent())?.replace(/\D/g, "")),
      (n) => n >= 1,
      "the not-classified counter",
    );
    await feed.getByLabel("Label").selectOption("ALL");

    await feed.setViewportSize({ width: 390, height: 844 });
    await number(
      () => countOf(feed, "post"),
      (n) => n >= 3,
      "posts on the phone layout",
    );
    const overflow = await feed.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(feed, "feed-phone-light");
    await feed.getByRole("button", { name: /Colour theme/ }).click(); // auto → light
    await feed.getByRole("button", { name: /Colour theme/ }).click(); // light → dark
    expect(await feed.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await shot(feed, "feed-phone-dark");
    await feed.setViewportSize({ width: 1280, height: 860 });
    await shot(feed, "feed-desktop-dark");
  }, 120_000);

  it("reconnects by itself after a server restart and skips no post", async () => {
    const state = feed.getByTestId("connection-state");
    await web.stop();
    await feed.locator('[data-testid="connection-state"][data-state="reconnecting"]').waitFor();
    await shot(feed, "feed-reconnecting");
    web = await startWebServer({ env: { ...webEnv, PORT: web.port }, logger });
    await feed.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({
      timeout: 30_000,
    });
    expect(await state.textContent()).toContain("Live");

    // Everything the server has for the topic now must reach the page, once.
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "query($t: ID!) { tweets(topic: $t, first: 50) { edges { node { id } } } }",
        variables: { t: slug },
      }),
    });
    const body = RecentIds.parse(await response.json());
    const expected = body.data.tweets.edges.map((edge) => edge.node.id);
    expect(expected.length).toBeGreaterThan(0);
    const ids = () =>
      feed.getByTestId("post").evaluateAll((items) => items.map((item) => item.dataset.id ?? ""));
    await waitFor(
      async () => {
        const shown = new Set(await ids());
        return expected.every((id) => shown.has(id)) ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: "every post the server has to be shown" },
    );
    const shown = await ids();
    expect(new Set(shown).size).toBe(shown.length);
  }, 120_000);

  it("ends the feed when an admin deletes the topic", async () => {
    const admin = await context.newPage();
    await signIn(admin);
    const row = admin.locator(`[data-testid="admin-topic"][data-slug="${slug}"]`);
    await row.getByRole("button", { name: `Delete ${slug}` }).click();
    await row.getByRole("button", { name: `Confirm deleting ${slug}` }).click();
    await row.waitFor({ state: "detached", timeout: 30_000 });
    await admin.close();

    await feed.getByTestId("topic-gone").waitFor({ timeout: 30_000 });
    expect(await feed.getByTestId("feed").count()).toBe(0);
    const options = await feed.getByLabel("Topic").locator("option").allTextContents();
    expect(options.some((option) => option.includes(slug))).toBe(false);
    await shot(feed, "feed-topic-deleted");
  }, 120_000);

  it("refuses Server Function calls and form posts to its pages with 405, and still serves them", async () => {
    // The dashboard has no Server Functions; these requests must never reach Next's action handler.
    const attempts = [
      fetch(`${base}/`, {
        method: "POST",
        headers: { "next-action": "x", accept: "text/x-component", "content-type": "text/plain" },
        body: '["$F1"]',
      }),
      fetch(`${base}/admin`, { method: "POST", body: new FormData() }),
      fetch(`${base}/`, { method: "PUT", body: "x" }),
      fetch(`${base}/`, { method: "DELETE" }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
      expect(await response.text()).toBe("the dashboard answers GET and HEAD only\n");
    }
    const page = await fetch(`${base}/admin`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect((await fetch(`${base}/`, { method: "HEAD" })).status).toBe(200);
  });

  it("ran every page above without a Content-Security-Policy violation", () => {
    expect(cspViolations).toEqual([]);
  });
});
