// Pages of a topic's Kafka log over time ranges, against a real broker.
import { topicNames, type KafkaClient } from "@tweetream/shared";
import { uniqueName } from "@tweetream/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor } from "../hub/cursor.ts";
import type { TopicPost } from "../hub/index.ts";
import { postFilter } from "../hub/post-filter.ts";
import { seededPosts, seedTopic, T0, testKafka } from "./history-fixtures.ts";
import { LogPages, type LogPageOptions } from "./log-pages.ts";
import {
  HistoryExpiredError,
  kafkaLogSource,
  partitionRanges,
  postOf,
  readForward,
  type LogSource,
} from "./log-range.ts";

const topics = topicNames(uniqueName("history"));
const POSTS = 90;
const posts = seededPosts(POSTS);
let kafka: KafkaClient;
let source: LogSource;
let pages: LogPages;

beforeAll(async () => {
  kafka = testKafka("history-test", topics);
  source = kafkaLogSource(kafka, topics);
  pages = new LogPages(source);
  await seedTopic(kafka, topics, "range", posts);
  await seedTopic(kafka, topics, "expiry", posts);
  // A segment per send: Kafka rolls a segment once its records span segment.ms by their timestamps.
  await seedTopic(kafka, topics, "segments", posts, { config: { "segment.ms": "5000" } });
  // A record the live consumer would dead-letter, the newest: pages leave it out.
  const producer = await kafka.createProducer();
  await producer.send([
    {
      topic: topics.user("range"),
      key: "bad",
      partition: 0,
      timestamp: T0 + POSTS * 1000,
      value: "{",
    },
  ]);
  await producer.disconnect();
});

afterAll(async () => {
  await kafka.close();
});

/** Every page of the range, following endCursor. */
async function allPages(
  slug: string,
  options: Omit<LogPageOptions, "before" | "first">,
  first: number,
  reader = pages,
) {
  const seen: TopicPost[] = [];
  let before: LogPageOptions["before"];
  for (let page = 0; page < 100; page++) {
    const result = await reader.page(slug, { ...options, first, before });
    seen.push(...result.items);
    if (!result.hasNextPage) return seen;
    const cursor = result.endCursor ?? result.items.at(-1)?.cursor;
    const decoded = cursor === undefined ? undefined : decodeCursor(cursor);
    if (decoded?.kind !== "position") throw new Error("no cursor to go on from");
    before = decoded.position;
  }
  throw new Error("more than 100 pages");
}

/** Every page toward newer posts from `start` (or from the oldest), following startCursor; newest first. */
async function allPagesBackward(
  slug: string,
  options: Omit<LogPageOptions, "before" | "first">,
  last: number,
  start?: string,
  reader = pages,
) {
  const pagesSeen: TopicPost[][] = [];
  let after = start;
  for (let page = 0; page < 100; page++) {
    const decoded = after === undefined ? undefined : decodeCursor(after);
    if (decoded && decoded.kind !== "position") throw new Error("bad cursor");
    const result = await reader.pageBackward(slug, { ...options, last, after: decoded?.position });
    expect(result.items.length).toBeLessThanOrEqual(last);
    pagesSeen.unshift(result.items);
    if (!result.hasPreviousPage) return pagesSeen.flat();
    after = result.startCursor ?? result.items[0]?.cursor;
  }
  throw new Error("more than 100 pages");
}

describe("history pages from the Kafka log", () => {
  it("pages a time range newest first, with every post in it exactly once", async () => {
    const from = T0 + 10_000;
    const to = T0 + 40_000;
    const got = await allPages("range", { from, to }, 7);
    const want = posts
      .filter((p) => p.timestamp >= from && p.timestamp < to)
      .sort((a, b) => b.timestamp - a.timestamp);
    expect(got.map((i) => i.post.id)).toEqual(want.map((p) => p.id));
    expect(got.map((i) => i.timestamp)).toEqual(want.map((p) => p.timestamp));
    expect(got[0]).toMatchObject({ slug: "range", partition: want[0]?.partition });
  });

  it("pages the whole log without a range, and filters by label", async () => {
    const all = await allPages("range", {}, 25);
    expect(all.map((i) => i.post.id).sort()).toEqual(posts.map((p) => p.id).sort());
    const traffic = await allPages("range", { filter: postFilter({ labels: ["non_traffic"] }) }, 4);
    expect(traffic.map((i) => i.post.id)).toEqual(
      posts
        .filter((p) => p.label === "non_traffic")
        .sort((a, b) => b.timestamp - a.timestamp)
        .map((p) => p.id),
    );
  });

  it("continues from a post's cursor, however the page size changes", async () => {
    const first = await pages.page("range", { first: 10 });
    const tenth = first.items[9];
    const decoded = tenth ? decodeCursor(tenth.cursor) : undefined;
    if (decoded?.kind !== "position") throw new Error("no cursor");
    const next = await pages.page("range", { first: 3, before: decoded.position });
    const whole = await pages.page("range", { first: 13 });
    expect(next.items.map((i) => i.post.id)).toEqual(whole.items.slice(10).map((i) => i.post.id));
    expect(next.hasNextPage).toBe(true);
  });

  it("leaves out hidden posts and ends empty past the range", async () => {
    const page = await pages.page("range", {
      from: T0,
      to: T0 + 6000,
      first: 100,
      hidden: (post) => post.id === "p003",
    });
    expect(page.items.map((i) => i.post.id)).toEqual(["p004", "p005", "p001", "p002", "p000"]);
    expect(await pages.page("range", { from: T0 + 10_000_000, first: 5 })).toEqual({
      items: [],
      hasNextPage: false,
    });
  });

  it("refuses a range older than retention kept, naming the oldest moment kept", async () => {
    const topic = topics.user("expiry");
    // As retention would: drop the first 10 records of partition 1 (posts 1, 4, ..., 28).
    await kafka.deleteRecords(topic, [{ partition: 1, offset: "10" }]);
    const oldestKept = posts.filter((p) => p.partition === 1)[10]?.timestamp ?? 0;
    const error = await pages.page("expiry", { from: T0, first: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryExpiredError);
    expect((error as HistoryExpiredError).oldestAvailable).toBe(oldestKept);
    expect((error as Error).message).toContain(new Date(oldestKept).toISOString());
    const fromOldest = await allPages("expiry", { from: oldestKept }, 50);
    expect(fromOldest.at(-1)?.post.id).toBe(
      posts.filter((p) => p.timestamp >= oldestKept).sort((a, b) => a.timestamp - b.timestamp)[0]
        ?.id,
    );
    // No `from`: everything still kept, no error.
    expect((await allPages("expiry", {}, 50)).length).toBe(POSTS - 10);
  });

  it("pages backward toward newer posts: the same posts in the same order, each once", async () => {
    const from = T0 + 5_000;
    const to = T0 + 70_000;
    const forward = await allPages("range", { from, to }, 9);
    // From the oldest of the range up, 4 at a time.
    const backward = await allPagesBackward("range", { from, to }, 4);
    expect(backward.map((i) => i.post.id)).toEqual(forward.map((i) => i.post.id));
    // From the middle: the posts newer than the 30th, nearest first when read from the end.
    const middle = forward[29];
    if (!middle) throw new Error("too few posts");
    const newer = await allPagesBackward("range", { from, to }, 6, middle.cursor);
    expect(newer.map((i) => i.post.id)).toEqual(forward.slice(0, 29).map((i) => i.post.id));
    // Every post's cursor is good both ways: forward from a backward page's post continues exactly.
    const some = newer[10];
    const decoded = some ? decodeCursor(some.cursor) : undefined;
    if (decoded?.kind !== "position") throw new Error("no cursor");
    const onward = await pages.page("range", { from, to, first: 100, before: decoded.position });
    expect(onward.items.map((i) => i.post.id)).toEqual(forward.slice(11).map((i) => i.post.id));
    // The page just before a cursor holds the `last` posts nearest it, and says older ones exist.
    const near = await pages.pageBackward("range", {
      from,
      to,
      last: 3,
      after: decodeMiddle(middle),
    });
    expect(near.items.map((i) => i.post.id)).toEqual(forward.slice(26, 29).map((i) => i.post.id));
    expect(near).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it("ends a backward page early after scanning its limit, with a start cursor", async () => {
    const limited = new LogPages(source, { maxScannedPerPage: 10 });
    const filter = postFilter({ labels: ["non_traffic"] });
    const first = await limited.pageBackward("range", { last: 50, filter });
    expect(first.items.length).toBeLessThan(5);
    expect(first.hasPreviousPage).toBe(true);
    expect(first.startCursor).toBeDefined();
    const all = await allPagesBackward("range", { filter }, 50, undefined, limited);
    expect(all.map((i) => i.post.id)).toEqual(
      (await allPages("range", { filter }, 50)).map((i) => i.post.id),
    );
  });

  it("reads from a moment across segments and partitions: exactly the posts at or after it", async () => {
    const topic = topics.user("segments");
    for (const at of [T0 + 3_000, T0 + 19_500, T0 + 41_000, T0 + 77_000]) {
      const ranges = await partitionRanges(source, topic, { from: at });
      const read: { id: string; partition: number; offset: bigint }[] = [];
      for await (const record of readForward(source, topic, ranges)) {
        const post = postOf(record);
        if (post)
          read.push({ id: post.id, partition: record.partition, offset: BigInt(record.offset) });
      }
      const want = posts.filter((p) => p.timestamp >= at);
      expect(read.map((r) => r.id).sort()).toEqual(want.map((p) => p.id).sort());
      for (const partition of [0, 1, 2]) {
        const offsets = read.filter((r) => r.partition === partition).map((r) => r.offset);
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
        expect(read.filter((r) => r.partition === partition).map((r) => r.id)).toEqual(
          want.filter((p) => p.partition === partition).map((p) => p.id),
        );
      }
      // Pages of the same range, newest first, hold the same posts.
      const paged = await allPages("segments", { from: at }, 8);
      expect(paged.map((i) => i.post.id).sort()).toEqual(want.map((p) => p.id).sort());
    }
  });

  it("ends a page early after scanning its limit, with a cursor to go on from", async () => {
    const limited = new LogPages(source, { maxScannedPerPage: 10 });
    const filter = postFilter({ labels: ["non_traffic"] });
    const first = await limited.page("range", { first: 50, filter });
    // 10 records scanned, of which 2 or 3 are non_traffic: fewer than asked, and more to come.
    expect(first.items.length).toBeLessThan(5);
    expect(first.hasNextPage).toBe(true);
    expect(first.endCursor).toBeDefined();
    const all = await allPages("range", { filter }, 50, limited);
    expect(all.map((i) => i.post.id)).toEqual(
      (await allPages("range", { filter }, 50)).map((i) => i.post.id),
    );
  });
});

function decodeMiddle(item: TopicPost) {
  const decoded = decodeCursor(item.cursor);
  if (decoded.kind !== "position") throw new Error("no cursor");
  return decoded.position;
}
