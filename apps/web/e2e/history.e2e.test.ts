// The feed page's history features in a real browser against the real web
// server and broker: a time range read from Kafka page by page, links that
// hold the view (and back/forward), an export with progress and cancel, the
// chart over a range, a replay that joins the live posts, and a range older
// than Kafka keeps. Posts are written straight into the
// topic's Kafka log with chosen record times, two hours back (Kafka refuses
// times more than an hour ahead of its clock, not older ones).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ClassifiedPost, encodeMessage } from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import { createTopic } from "../test/gateway-harness.ts";
import { screenshot, startDashboard, type Dashboard } from "./harness.ts";

/** Two hours ago, on a whole minute. */
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000;
/** Posts in "jalan": one every 30 s from T0, so an hour of them. */
const POSTS = 120;
const STEP_MS = 30_000;
const iso = (at: number) => new Date(at).toISOString();
const idOf = (i: number) => `h${String(i).padStart(3, "0")}`;
/** Traffic on odd indexes, non-traffic on even ones. */
const isTraffic = (i: number) => i % 2 === 1;

/** The columns of an exported CSV file this test reads. */
const CsvRows = z.array(z.object({ id: z.string(), label: z.string() }));

let dashboard: Dashboard;

/** The ids of the posts shown, top to bottom. */
const shownIds = (page: Page) =>
  page.getByTestId("post").evaluateAll((items) => items.map((item) => item.dataset.id ?? ""));

/** Waits until the posts shown are exactly `ids`, top to bottom. */
async function expectShown(page: Page, ids: string[], what: string) {
  await waitFor(
    async () => {
      const shown = await shownIds(page);
      return shown.length === ids.length && shown.every((id, k) => id === ids[k])
        ? true
        : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200, what },
  ).catch(async (error: unknown) => {
    throw new Error(`${String(error)}; shown: ${(await shownIds(page)).join(",")}`);
  });
}

/** Indexes from `hi - 1` down to `lo` whose posts pass `keep`, as ids: newest first. */
function newestFirst(lo: number, hi: number, keep: (i: number) => boolean = () => true) {
  const ids: string[] = [];
  for (let i = hi - 1; i >= lo; i--) if (keep(i)) ids.push(idOf(i));
  return ids;
}

/** Clicks a choice of the time control (its radio buttons are hidden behind their labels). */
const chooseRange = (page: Page, name: string) =>
  page.getByTestId("time-control").getByText(name, { exact: true }).click();

/** The number on one of the chart's counters ("Traffic", "Total", …). */
async function counter(page: Page, name: string): Promise<number> {
  const text = await page
    .getByTestId("counters")
    .locator("div", { has: page.getByText(name, { exact: true }) })
    .locator("dd")
    .textContent();
  return Number((text ?? "").replace(/\D/g, ""));
}

/** The page's query string, decoded into its parameters. */
const params = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);

beforeAll(async () => {
  dashboard = await startDashboard("hist", {
    env: {
      // Most of a replay then comes from Kafka, not from the server's memory.
      WEB_HISTORY_PER_TOPIC: "10",
      // Slow enough to watch a replay of 120 posts go by.
      WEB_REPLAY_RATE: "40",
    },
    browser: { viewport: { width: 1280, height: 860 }, timezoneId: "UTC", acceptDownloads: true },
  });
  const { web, kafka } = dashboard;
  await createTopic(web, { slug: "jalan", rule: "macet" });
  await createTopic(web, { slug: "tol", rule: "macet" });
  const producer = await kafka.createProducer();
  // Long enough texts that an export of them takes a while on a slow network.
  const padding = " lancar".repeat(60);
  await producer.send(
    Array.from({ length: POSTS }, (_, i) => {
      const at = T0 + i * STEP_MS;
      const post: ClassifiedPost = {
        ...classifiedPost(idOf(i), isTraffic(i) ? "traffic" : "non_traffic", "jalan"),
        text: `Jalan macet ${idOf(i)}${padding}`,
        createdAt: iso(at),
        ingestedAt: at,
        classifiedAt: at,
      };
      return {
        topic: kafka.topics.user("jalan"),
        key: post.id,
        partition: i % 2,
        timestamp: at,
        value: encodeMessage(ClassifiedPost, post),
      };
    }),
  );
  // "lama": 12 posts a minute apart, whose oldest ones retention has removed.
  await createTopic(web, { slug: "lama", rule: "macet" });
  await producer.send(
    Array.from({ length: 12 }, (_, i) => {
      const at = T0 + i * 60_000;
      const post: ClassifiedPost = {
        ...classifiedPost(`o${String(i).padStart(2, "0")}`, "traffic", "lama"),
        createdAt: iso(at),
        classifiedAt: at,
      };
      return {
        topic: kafka.topics.user("lama"),
        key: post.id,
        partition: i % 2,
        timestamp: at,
        value: encodeMessage(ClassifiedPost, post),
      };
    }),
  );
  await producer.disconnect();
  // As retention would: partition 1 loses o01, o03 and o05, so from o07's time on all is kept.
  await kafka.deleteRecords(kafka.topics.user("lama"), [{ partition: 1, offset: "3" }]);
}, 300_000);

afterAll(() => dashboard.stop(), 60_000);

describe("feed page history", () => {
  it("shows a custom range's posts from Kafka, newest first, with Load older", async () => {
    const page = await dashboard.context.newPage();
    await page.goto(dashboard.base);
    await page.getByLabel("Topic").selectOption("jalan");
    await page.getByRole("heading", { name: "Live posts" }).waitFor();

    // Typing a range changes nothing until it is applied.
    await chooseRange(page, "Custom");
    const from = page.getByLabel("From", { exact: true });
    await from.fill(iso(T0).slice(0, 19));
    await page.getByLabel("To (empty: now)").fill(iso(T0 + 3_600_000).slice(0, 19));
    expect(params(page)).toEqual({ topic: "jalan" });
    await page.getByLabel("To (empty: now)").press("Enter");

    await expectShown(page, newestFirst(POSTS - 50, POSTS), "the range's first page");
    expect(params(page)).toEqual({
      topic: "jalan",
      from: iso(T0),
      to: iso(T0 + 3_600_000),
    });
    await page.getByRole("button", { name: "Load older" }).click();
    await expectShown(page, newestFirst(POSTS - 100, POSTS), "two pages");
    await page.getByRole("button", { name: "Load older" }).click();
    await expectShown(page, newestFirst(0, POSTS), "every post of the range");
    expect(await page.getByRole("button", { name: "Load older" }).count()).toBe(0);
    await screenshot(page, "history-range");

    // A range that ends before it starts is refused where it was typed.
    await page.getByLabel("To (empty: now)").fill(iso(T0 - 60_000).slice(0, 19));
    await page.getByRole("button", { name: "Show range" }).click();
    await page.getByText("The range must end after it starts.").waitFor();
    expect(params(page).to).toBe(iso(T0 + 3_600_000));

    // The last hour holds none of these posts (they are two hours old); the last day all.
    await chooseRange(page, "Last hour");
    await page
      .getByTestId("history-empty")
      .filter({ hasText: "No posts in this range." })
      .waitFor();
    expect(params(page)).toEqual({ topic: "jalan", range: "1h" });
    await chooseRange(page, "Last day");
    await expectShown(page, newestFirst(POSTS - 50, POSTS), "the last day's first page");
    expect(params(page)).toEqual({ topic: "jalan", range: "1d" });

    // Live again: the server's recent posts.
    await chooseRange(page, "Live");
    await page.getByRole("heading", { name: "Live posts" }).waitFor();
    await waitFor(async () => ((await shownIds(page)).length > 0 ? true : undefined), {
      what: "the recent posts",
    });
    expect(await page.getByTestId("history-feed").count()).toBe(0);
    expect(params(page)).toEqual({ topic: "jalan" });
    await page.close();
  }, 120_000);

  it("opens a shared link as the same view, and goes back and forward through views", async () => {
    const page = await dashboard.context.newPage();
    const from = iso(T0 + 20 * STEP_MS);
    const to = iso(T0 + 40 * STEP_MS);
    await page.goto(`${dashboard.base}/?topic=jalan&label=traffic&from=${from}&to=${to}`);
    const traffic = newestFirst(20, 40, isTraffic);
    await expectShown(page, traffic, "the link's traffic posts");
    expect(await page.getByLabel("Topic").inputValue()).toBe("jalan");
    expect(await page.getByLabel("Label").inputValue()).toBe("TRAFFIC");
    // The fields show local time (UTC in this browser), without seconds when they are 0.
    const moment = async (label: string) =>
      new Date(`${await page.getByLabel(label, { exact: true }).inputValue()}Z`).toISOString();
    expect(await moment("From")).toBe(from);
    expect(await moment("To (empty: now)")).toBe(to);
    expect(await page.getByRole("radio", { name: "Custom" }).isChecked()).toBe(true);
    expect(await page.getByTestId("link-problems").count()).toBe(0);

    // Each change of the controls is a history entry.
    await page.getByLabel("Label").selectOption("NON_TRAFFIC");
    const nonTraffic = newestFirst(20, 40, (i) => !isTraffic(i));
    await expectShown(page, nonTraffic, "the non-traffic posts");
    expect(params(page).label).toBe("non_traffic");
    await page.getByLabel("Topic").selectOption("tol");
    await page
      .getByTestId("history-empty")
      .filter({ hasText: "No posts in this range." })
      .waitFor();
    expect(params(page)).toEqual({ topic: "tol", label: "non_traffic", from, to });

    await page.goBack();
    await expectShown(page, nonTraffic, "back: jalan's non-traffic posts");
    expect(await page.getByLabel("Topic").inputValue()).toBe("jalan");
    await page.goBack();
    await expectShown(page, traffic, "back again: the link's view");
    expect(await page.getByLabel("Label").inputValue()).toBe("TRAFFIC");
    expect(params(page).label).toBe("traffic");
    await page.goForward();
    await expectShown(page, nonTraffic, "forward: non-traffic again");
    expect(await page.getByLabel("Label").inputValue()).toBe("NON_TRAFFIC");

    // A link with parts that make no sense says so, and shows what it can.
    await page.goto(`${dashboard.base}/?topic=jalan&label=bogus&source=fax&from=yesterday`);
    const problems = page.getByTestId("link-problems");
    await problems.waitFor();
    const said = (await problems.textContent()) ?? "";
    expect(said).toContain("“bogus”");
    expect(said).toContain("“fax”");
    expect(said).toContain("“yesterday” (from) is not a date");
    await page.getByRole("heading", { name: "Live posts" }).waitFor();
    expect(await page.getByLabel("Label").inputValue()).toBe("ALL");
    await page.goto(`${dashboard.base}/?topic=no-such-topic&range=1h`);
    await page.getByTestId("topic-gone").waitFor();
    expect(await page.getByTestId("topic-gone").textContent()).toContain("no-such-topic");
    await page.close();
  }, 120_000);
  it("exports the shown range and filters as CSV with progress, and cancels an export", async () => {
    const page = await dashboard.context.newPage();
    const from = iso(T0);
    const to = iso(T0 + 3_600_000);
    await page.goto(`${dashboard.base}/?topic=jalan&label=traffic&from=${from}&to=${to}`);
    await expectShown(page, newestFirst(POSTS - 100, POSTS, isTraffic), "the traffic posts");
    const downloads: string[] = [];
    page.on("download", (download) => {
      downloads.push(download.suggestedFilename());
    });
    // A slow network (8 kB/s down), so the export's progress can be watched.
    const cdp = await dashboard.context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: 8_000,
      uploadThroughput: -1,
    });
    const status = page.getByTestId("export-status");
    /** The records received so far, while an export of the range's 120 records runs. */
    const progress = async () => {
      const text = (await status.textContent()) ?? "";
      const match = /^Exporting: (\d+) of 120 records in the range \(before filters\)/.exec(text);
      return match ? Number(match[1]) : undefined;
    };

    const download = page.waitForEvent("download", { timeout: 60_000 });
    await page.getByRole("button", { name: "Export range" }).click();
    const partly = await waitFor(
      async () => {
        const received = await progress();
        return received !== undefined && received > 0 && received < 60 ? received : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: "the export's progress" },
    );
    expect(partly).toBeLessThan(60);
    expect(await page.getByRole("progressbar", { name: "Export progress" }).count()).toBe(1);
    await screenshot(page, "history-export-progress");
    const file = await download;
    const name = `tweetream_jalan_${from.replace(/[-:]|\.000/g, "")}_${to.replace(/[-:]|\.000/g, "")}.csv`;
    expect(file.suggestedFilename()).toBe(name);
    await page
      .locator('[data-testid="export-status"][data-state="done"]')
      .filter({ hasText: `Exported 60 records to ${name}.` })
      .waitFor();
    const rows = CsvRows.parse(parse(readFileSync(await file.path()), { columns: true }));
    // Oldest first, only the label shown.
    expect(rows.map((row) => row.id)).toEqual(newestFirst(0, POSTS, isTraffic).reverse());
    expect(new Set(rows.map((row) => row.label))).toEqual(new Set(["traffic"]));

    // Cancelled mid-way: no file.
    await page.getByRole("button", { name: "Export range" }).click();
    await waitFor(async () => ((await progress()) ?? 0) > 0 || undefined, {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: "the second export's progress",
    });
    await page.getByRole("button", { name: "Cancel export" }).click();
    const cancelled = page.locator('[data-testid="export-status"][data-state="cancelled"]');
    await cancelled.waitFor();
    const after = Number(/after (\d+) records/.exec((await cancelled.textContent()) ?? "")?.[1]);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(60);
    await page.waitForTimeout(1000);
    expect(downloads).toEqual([name]);
    await cdp.detach();
    await page.close();
  }, 120_000);

  it("draws the chart over the range, in the buckets the server chose", async () => {
    const page = await dashboard.context.newPage();
    await page.goto(`${dashboard.base}/?topic=jalan&from=${iso(T0)}&to=${iso(T0 + 3_600_000)}`);
    const stats = page.getByTestId("stats");
    // An hour: per minute, 60 bars' worth of buckets, every post counted.
    await page.locator('[data-testid="stats"][data-bucket="MINUTE"][data-buckets="60"]').waitFor();
    await waitFor(async () => ((await counter(page, "Total")) === POSTS ? true : undefined), {
      what: "the range's total",
    });
    expect(await counter(page, "Traffic")).toBe(POSTS / 2);
    expect(await counter(page, "Non-traffic")).toBe(POSTS / 2);
    expect(await stats.getByTestId("chart-caption").textContent()).toBe(
      "Posts per minute by label",
    );
    await stats.locator(".recharts-bar-rectangle").first().waitFor();

    // Two days and an hour: per hour (whole hours, so 49 or 50 of them), the same posts.
    const from = T0 - 48 * 3_600_000;
    const to = T0 + 3_600_000;
    const hours = Math.ceil(to / 3_600_000) - Math.floor(from / 3_600_000);
    await page.goto(`${dashboard.base}/?topic=jalan&from=${iso(from)}&to=${iso(to)}`);
    await page
      .locator(`[data-testid="stats"][data-bucket="HOUR"][data-buckets="${String(hours)}"]`)
      .waitFor();
    await waitFor(async () => ((await counter(page, "Total")) === POSTS ? true : undefined), {
      what: "the two days' total",
    });
    expect(await stats.getByTestId("chart-caption").textContent()).toBe("Posts per hour by label");
    await screenshot(page, "history-chart-hours");

    // The last hour has none of them; live goes back to the last 30 minutes.
    await chooseRange(page, "Last hour");
    await page.locator('[data-testid="stats"][data-bucket="MINUTE"]').waitFor();
    await waitFor(async () => ((await counter(page, "Total")) === 0 ? true : undefined), {
      what: "an empty last hour",
    });
    // With the keyboard: the choices are a radio group, so an arrow key moves between them.
    await page.getByRole("radio", { name: "Last hour" }).focus();
    await page.keyboard.press("ArrowLeft");
    await page.getByRole("heading", { name: "Last 30 minutes" }).waitFor();
    expect(await page.getByRole("radio", { name: "Live" }).isChecked()).toBe(true);
    expect(params(page)).toEqual({ topic: "jalan" });
    await page.close();
  }, 120_000);

  it("replays a range oldest first, then joins the live posts", async () => {
    const page = await dashboard.context.newPage();
    await page.goto(`${dashboard.base}/?topic=jalan&from=${iso(T0)}&to=${iso(T0 + 3_600_000)}`);
    await expectShown(page, newestFirst(POSTS - 50, POSTS), "the range");
    await page.getByRole("button", { name: /^Replay from .*, then live$/ }).click();
    await page.getByRole("heading", { name: /^Replay from / }).waitFor();
    const status = page.getByTestId("replay-status");

    // At 40 posts a second it is seen on its way: the oldest posts so far. (The
    // last ones come from the server's memory, in the order it read them.)
    const partway = await waitFor(
      async () => {
        const shown = await shownIds(page);
        return shown.length >= 5 && shown.length < POSTS / 2 ? shown : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: "the replay under way" },
    );
    expect(partway).toEqual(newestFirst(0, partway.length));
    expect(await status.getAttribute("data-joined")).toBe("false");
    expect(await status.textContent()).toMatch(/^Replaying from .*: \d+ posts so far/);
    await waitFor(async () => ((await shownIds(page)).length >= POSTS ? true : undefined), {
      what: "every post replayed",
    });
    const replayed = await shownIds(page);
    expect([...replayed].sort()).toEqual(newestFirst(0, POSTS).reverse());
    // Each partition in offset order.
    const even = (i: number) => !isTraffic(i);
    expect(replayed.filter((id) => even(Number(id.slice(1))))).toEqual(newestFirst(0, POSTS, even));
    expect(replayed.filter((id) => isTraffic(Number(id.slice(1))))).toEqual(
      newestFirst(0, POSTS, isTraffic),
    );
    expect(await status.textContent()).toContain("120 posts so far");

    // A post written now: the replay has joined the live posts.
    const live: ClassifiedPost = {
      ...classifiedPost("live-1", "traffic", "jalan"),
      text: "Jalan macet sekarang",
      classifiedAt: Date.now(),
    };
    const { kafka } = dashboard;
    const producer = await kafka.createProducer();
    await producer.send([
      {
        topic: kafka.topics.user("jalan"),
        key: live.id,
        value: encodeMessage(ClassifiedPost, live),
      },
    ]);
    await producer.disconnect();
    await expectShown(page, ["live-1", ...replayed], "the live post on top");
    await page.locator('[data-testid="replay-status"][data-joined="true"]').waitFor();
    expect(await status.textContent()).toMatch(/^Replayed 120 posts from .*; now live\.$/);
    await screenshot(page, "history-replay-live");

    // Stopping the replay goes back to the range (without the live post, which is outside it).
    await page.getByRole("button", { name: "Stop replay" }).click();
    await expectShown(page, newestFirst(POSTS - 50, POSTS), "the range again");
    await page.close();
  }, 120_000);
  it("says when a range reaches back past what Kafka keeps, and starts at the oldest moment kept", async () => {
    const page = await dashboard.context.newPage();
    const to = iso(T0 + 3_600_000);
    await page.goto(`${dashboard.base}/?topic=lama&from=${iso(T0)}&to=${to}`);
    const error = page.getByTestId("history-error");
    await error.waitFor();
    const oldest = iso(T0 + 7 * 60_000);
    expect(await error.textContent()).toContain(`posts before ${oldest} are no longer kept`);
    await page.getByRole("button", { name: "Start at the oldest post kept" }).click();
    await expectShown(
      page,
      ["o11", "o10", "o09", "o08", "o07"],
      "the posts from the oldest moment kept",
    );
    expect(params(page)).toEqual({ topic: "lama", from: oldest, to });
    await page.close();
  }, 120_000);
});
