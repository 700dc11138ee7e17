// The dashboard's export when the server refuses it, in a real browser against
// the real web server and broker: the server allows one export at a time
// (WEB_EXPORT_MAX_CONCURRENT=1), and this test holds one open itself — a GET
// of about 16 MB that it never reads, so backpressure keeps the server's
// export running (more than the socket buffers hold). The page's export is
// then refused with 429 and says so; once the held request is gone, the same
// button exports the range.
import { readFileSync } from "node:fs";
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClassifiedPost, encodeMessage } from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import { createTopic } from "../test/gateway-harness.ts";
import { screenshot, startDashboard, type Dashboard } from "./harness.ts";

/** Two hours ago, on a whole minute (Kafka takes old record times, not ones an hour ahead). */
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000;
const RANGE = { from: new Date(T0).toISOString(), to: new Date(T0 + 3_600_000).toISOString() };
/** "besar": 800 posts of about 20 kB, what the held export reads. */
const BIG_POSTS = 800;
/** "jalan": a few small posts, what the page exports. */
const SMALL_POSTS = 10;

let dashboard: Dashboard;
const held: ClientRequest[] = [];

/** Writes `count` posts into `slug`'s log, `spacingMs` apart from T0, `padding` after each text. */
async function seed(slug: string, count: number, spacingMs: number, padding: string) {
  const { kafka } = dashboard;
  const producer = await kafka.createProducer();
  // In batches: a single send of many MB is more than the broker takes at once.
  for (let from = 0; from < count; from += 30) {
    const records = [];
    for (let i = from; i < Math.min(count, from + 30); i++) {
      const at = T0 + i * spacingMs;
      const post: ClassifiedPost = {
        ...classifiedPost(`${slug}-${String(i)}`, "traffic", slug),
        text: `Jalan macet ${String(i)}${padding}`,
        createdAt: new Date(at).toISOString(),
        ingestedAt: at,
        classifiedAt: at,
      };
      records.push({
        topic: kafka.topics.user(slug),
        key: post.id,
        timestamp: at,
        value: encodeMessage(ClassifiedPost, post),
      });
    }
    await producer.send(records);
  }
  await producer.disconnect();
}

/** The status of a HEAD /export: it takes an export's place for a moment, so 429 while one runs. */
async function headStatus(): Promise<number> {
  const query = new URLSearchParams({ topic: "jalan", ...RANGE });
  const response = await fetch(`${dashboard.base}/export?${query.toString()}`, { method: "HEAD" });
  return response.status;
}

beforeAll(async () => {
  dashboard = await startDashboard("exp429", {
    env: { KAFKA_TOPIC_PARTITIONS: "1", WEB_EXPORT_MAX_CONCURRENT: "1" },
    browser: { timezoneId: "UTC", acceptDownloads: true },
  });
  await createTopic(dashboard.web, { slug: "besar", rule: "macet" });
  await createTopic(dashboard.web, { slug: "jalan", rule: "macet" });
  await seed("besar", BIG_POSTS, 4_000, " lancar".repeat(2_900));
  await seed("jalan", SMALL_POSTS, 60_000, "");
}, 300_000);

afterAll(async () => {
  for (const request of held) request.destroy();
  await dashboard.stop();
}, 60_000);

describe("export refused", () => {
  it("says when the server runs as many exports as it allows, and exports once one ends", async () => {
    // The held export: its headers arrive when the server has started it;
    // the body is never read, so the server stays blocked writing it.
    const query = new URLSearchParams({ topic: "besar", ...RANGE, format: "ndjson" });
    const request = httpRequest(`${dashboard.base}/export?${query.toString()}`);
    held.push(request);
    request.end();
    const [response] = (await once(request, "response")) as [IncomingMessage];
    response.pause();
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-tweetream-records"]).toBe(String(BIG_POSTS));
    // Its place is taken: the server refuses another export meanwhile.
    expect(await headStatus()).toBe(429);

    const page = await dashboard.context.newPage();
    await page.goto(`${dashboard.base}/?topic=jalan&from=${RANGE.from}&to=${RANGE.to}`);
    await page.getByTestId("post").first().waitFor();
    const downloads: string[] = [];
    page.on("download", (download) => {
      downloads.push(download.suggestedFilename());
    });
    const exportButton = page.getByRole("button", { name: "Export range" });
    await exportButton.click();
    const failed = page.locator('[data-testid="export-status"][data-state="failed"]');
    await failed.waitFor();
    expect(await failed.getAttribute("role")).toBe("alert");
    expect(await failed.textContent()).toBe(
      "Export refused (429): too many exports are running (at most 1 at once). Try again in 5 s.",
    );
    await screenshot(page, "export-refused");
    // The held export was still running throughout: the server still refuses.
    expect(await headStatus()).toBe(429);

    // The held request goes away; the server notices and frees its place.
    request.destroy();
    await waitFor(async () => ((await headStatus()) === 200 ? true : undefined), {
      what: "the held export's place to be freed",
    });
    const download = page.waitForEvent("download", { timeout: 30_000 });
    await exportButton.click();
    const file = await download;
    const from = RANGE.from.replace(/[-:]|\.000/g, "");
    const to = RANGE.to.replace(/[-:]|\.000/g, "");
    const name = `tweetream_jalan_${from}_${to}.csv`;
    expect(file.suggestedFilename()).toBe(name);
    await page
      .locator('[data-testid="export-status"][data-state="done"]')
      .filter({ hasText: `Exported ${String(SMALL_POSTS)} records to ${name}.` })
      .waitFor();
    // A header row and the range's posts.
    const lines = readFileSync(await file.path(), "utf8")
      .trimEnd()
      .split("\r\n");
    expect(lines).toHaveLength(SMALL_POSTS + 1);
    expect(downloads).toEqual([name]);
    await page.close();
  }, 120_000);
});
