// The admin's topic form previews the rule as it is typed, in a real browser
// against the built dashboard, a real web server and a real broker: the
// count (and per label) of what it would have matched in the last hour, a few
// sample posts newest first, a fresh preview for a changed rule, and no
// preview (only the rule check's error) for a bad rule.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClassifiedPost, encodeMessage, PreprocessedPost } from "@tweetream/shared";
import type { WebServer } from "../src/index.ts";
import { classifiedPost, preprocessedPost } from "../src/server/hub/hub-fixtures.ts";
import { ADMIN_TOKEN, createTopic } from "../test/gateway-harness.ts";
import { screenshot, startDashboard, type Dashboard } from "./harness.ts";

const POSTS = 30;
/** Post i's text: every third about a traffic jam, every third about a flood. */
const textOf = (i: number) =>
  i % 3 === 0
    ? `Macet parah di Jl. Sudirman, laporan ${String(i)}`
    : i % 3 === 1
      ? `Banjir setinggi lutut di Kemang, laporan ${String(i)}`
      : `Ngopi dulu sebelum kerja, laporan ${String(i)}`;
let dashboard: Dashboard;
/** The same deployment, looking at no more than 10 posts a preview. */
let limitedWeb: WebServer;

beforeAll(async () => {
  dashboard = await startDashboard("preview");
  const { kafka } = dashboard;
  const { topics } = kafka;
  await createTopic(dashboard.web, { slug: "kota", name: "Kota", rule: "laporan" });
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
      return [
        {
          topic: topics.preprocessed,
          key: id,
          timestamp: start + i * 1000,
          value: encodeMessage(PreprocessedPost, {
            ...preprocessedPost(id, "kota"),
            text: textOf(i),
          }),
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
  limitedWeb = await dashboard.startWeb({ WEB_PREVIEW_MAX_SCANNED: "10" });
}, 300_000);

afterAll(() => dashboard.stop(), 60_000);

async function newTopicForm(page: Page, server = dashboard.web) {
  await page.goto(`http://127.0.0.1:${String(server.port)}/admin`);
  await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "New topic" }).click();
  return page.getByTestId("topic-form");
}

describe("topic form rule preview", () => {
  it("shows the count by label and the newest matched posts as the rule is typed", async () => {
    const page = await dashboard.context.newPage();
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
    await screenshot(page, "rule-preview");

    // A changed rule gets a fresh preview.
    await form.getByLabel("Rule").fill("banjir OR macet");
    await expect
      .poll(() => preview.getByTestId("preview-count").textContent(), { timeout: 20_000 })
      .toBe("20 of 30 posts in the last hour matched");
    expect(await preview.getByTestId("preview-post").first().textContent()).toContain("laporan 28");
    await page.close();
  });

  it("says when the server stopped at its limit, and what the counts cover", async () => {
    const page = await dashboard.context.newPage();
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
    const page = await dashboard.context.newPage();
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
