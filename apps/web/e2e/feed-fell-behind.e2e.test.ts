// The dashboard's feed when it falls behind the server's history, in a real
// browser: the page's main thread is kept busy while about 29 MB of posts pass
// (Chromium then stops reading the WebSocket, so the server's socket fills),
// the server ends the subscription with SUBSCRIBER_TOO_SLOW, and the feed
// says so and resumes by itself from the cursor the server gave.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClassifiedPost, encodeMessage } from "@tweetream/shared";
import { metricValue, waitFor } from "@tweetream/shared/testing";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import { createTopic } from "../test/gateway-harness.ts";
import { screenshot, startDashboard, type Dashboard } from "./harness.ts";

const slug = "macet";
let dashboard: Dashboard;

beforeAll(async () => {
  dashboard = await startDashboard("behind", {
    env: { KAFKA_TOPIC_PARTITIONS: "1", WEB_HISTORY_PER_TOPIC: "100" },
  });
}, 300_000);

afterAll(() => dashboard.stop(), 60_000);

describe("dashboard feed", () => {
  it("says when it fell behind the server's history and resumes by itself", async () => {
    const { web, kafka } = dashboard;
    await createTopic(web, { slug, name: "Macet", rule: "macet" });

    const page = await dashboard.context.newPage();
    await page.goto(`${dashboard.base}/`);
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
    await screenshot(page, "feed-fell-behind");
    await page.close();
  }, 180_000);
});
