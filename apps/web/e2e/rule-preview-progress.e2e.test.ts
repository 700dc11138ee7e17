// The rule preview's progress, in a real browser: while the server scans a
// last hour of 150,000 posts (sending a partial result after every chunk it
// reads, WEB_PREVIEW_PROGRESS_MS=0), the form shows how far the scan got and
// the count so far; then the final count, with its labels. Every state the
// preview's section went through is recorded in the page as it renders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeMessage, PreprocessedPost } from "@tweetream/shared";
import { preprocessedPost } from "../src/server/hub/hub-fixtures.ts";
import { ADMIN_TOKEN, createTopic } from "../test/gateway-harness.ts";
import { screenshot, startDashboard, type Dashboard } from "./harness.ts";

const POSTS = 150_000;
/** Every tenth post is about a traffic jam. */
const MATCHED = POSTS / 10;
const number = new Intl.NumberFormat("en");
let dashboard: Dashboard;

beforeAll(async () => {
  dashboard = await startDashboard("preview-progress", { env: { WEB_PREVIEW_PROGRESS_MS: "0" } });
  const { kafka } = dashboard;
  await createTopic(dashboard.web, { slug: "kota", name: "Kota", rule: "laporan" });
  // Fifty minutes ago on: inside the last hour the form previews.
  const start = Date.now() - 50 * 60_000;
  const producer = await kafka.createProducer();
  for (let at = 0; at < POSTS; at += 5000) {
    await producer.send(
      Array.from({ length: 5000 }, (_, k) => {
        const i = at + k;
        const id = `p-${String(i)}`;
        const post = {
          ...preprocessedPost(id, "kota"),
          text: i % 10 === 0 ? `Macet di tol, laporan ${String(i)}` : `Cerah, laporan ${String(i)}`,
        };
        return {
          topic: kafka.topics.preprocessed,
          key: id,
          timestamp: start + Math.floor((i * 45 * 60_000) / POSTS),
          value: encodeMessage(PreprocessedPost, post),
        };
      }),
    );
  }
  await producer.disconnect();
}, 300_000);

afterAll(() => dashboard.stop(), 60_000);

describe("topic form rule preview, a long scan", () => {
  it("shows how far the scan got and the count so far, then the final count", async () => {
    const page = await dashboard.context.newPage();
    await page.goto(`${dashboard.base}/admin`);
    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "New topic" }).click();
    const form = page.getByTestId("topic-form");
    // Every text the preview's section shows, in order, as React commits it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { previewStates: string[] }).previewStates = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="rule-preview"]')?.textContent;
        if (text && text !== seen.at(-1)) seen.push(text);
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await form.getByLabel("Rule").fill("macet");
    const final = `${number.format(MATCHED)} of ${number.format(POSTS)} posts in the last hour matched`;
    await expect
      .poll(() => form.getByTestId("preview-count").textContent(), { timeout: 60_000 })
      .toBe(final);
    expect(await form.getByTestId("preview-labels").textContent()).toBe(
      `0 traffic · 0 non-traffic · 0 not classified · ${number.format(MATCHED)} label unknown`,
    );
    expect(await form.getByTestId("preview-progress").count()).toBe(0);
    await screenshot(page, "rule-preview-progress");

    const states = await page.evaluate(
      () => (window as unknown as { previewStates: string[] }).previewStates,
    );
    const partial =
      /^([\d,]+) of ([\d,]+) posts in the last hour matched so farscanning ([\d,]+) of ([\d,]+)…/;
    const partials = states.flatMap((state) => {
      const m = partial.exec(state);
      return m ? [m.slice(1).map((n) => Number(n.replaceAll(",", "")))] : [];
    });
    // Partial results were shown before the final one, each scanning further
    // (the last may have scanned everything: its labels were still being looked up).
    const scannedInOrder = partials.map(([, scanned = 0]) => scanned);
    expect(scannedInOrder.filter((n) => n < POSTS).length, states.join("\n")).toBeGreaterThan(0);
    expect(scannedInOrder).toEqual([...scannedInOrder].sort((a, b) => a - b));
    for (const [matched = 0, scanned = 0, progress = 0, total = 0] of partials) {
      expect(scanned).toBe(progress);
      expect(total).toBe(POSTS);
      expect(matched).toBeLessThanOrEqual(Math.min(MATCHED, scanned));
    }
    expect(states.at(-1)).toMatch(new RegExp(`^${final}`));
    await page.close();
  }, 120_000);
});
