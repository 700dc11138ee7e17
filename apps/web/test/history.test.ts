// History from Kafka through the real web server: `tweets(from:, to:)` pages a
// topic's Kafka log, `/export` streams the same range, `topicStats(from:)`
// counts it (and still does after a restart), a range older than
// retention is refused with the oldest moment kept, and a post deleted at its
// source stays out of both.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  createKafkaClient,
  encodeMessage,
  PostDeleted,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";
import type { WebServer } from "../src/index.ts";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import { createTopic, graphql, logger, newDeployment, startWeb } from "./gateway-harness.ts";

const deployment = newDeployment();
const topics = topicNames(deployment.prefix);
/** Two hours ago: older than the web process's memory would matter for, within Kafka's clock limit. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000;
const POSTS = 60;
let web: WebServer;
let kafka: KafkaClient;

interface Page {
  tweets: {
    edges: { cursor: string; node: { id: string; label: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const PAGE = `query ($from: DateTime, $to: DateTime, $after: String, $labels: [Label!]) {
  tweets(topic: "jalan", from: $from, to: $to, after: $after, first: 7, labels: $labels) {
    edges { cursor node { id label } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const iso = (at: number) => new Date(at).toISOString();

beforeAll(async () => {
  web = await startWeb(deployment);
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: "history-test",
    logger,
    topics,
  });
  await createTopic(web, { slug: "jalan", name: "Jalan", rule: "macet" });
  const producer = await kafka.createProducer();
  await producer.send(
    Array.from({ length: POSTS }, (_, i) => ({
      topic: topics.user("jalan"),
      key: `h${String(i)}`,
      partition: i % 2,
      timestamp: T0 + i * 1000,
      value: encodeMessage(
        ClassifiedPost,
        classifiedPost(`h${String(i)}`, i % 2 ? "traffic" : "non_traffic", "jalan"),
      ),
    })),
  );
  // Deleted at its source: out of history as well as out of memory.
  await producer.send([
    {
      topic: topics.deleted,
      key: "h20",
      value: encodeMessage(PostDeleted, {
        v: 1,
        id: "h20",
        source: "synthetic",
        deletedAt: Date.now(),
      }),
    },
  ]);
  await producer.disconnect();
  // The live history has it all (and then lost h20) once the hub read it.
  await waitFor(
    async () => {
      const page = await graphql<Page>(web, PAGE, {});
      const ids = page.data?.tweets.edges.map((e) => e.node.id) ?? [];
      return ids.length > 0 && !ids.includes("h20") ? true : undefined;
    },
    { what: "the hub to have read the posts and the deletion" },
  );
});

afterAll(async () => {
  await kafka.close();
  await web.stop();
});

async function allPages(variables: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: Awaited<ReturnType<typeof graphql<Page>>> = await graphql<Page>(web, PAGE, {
      ...variables,
      after,
    });
    expect(page.errors).toBeUndefined();
    ids.push(...(page.data?.tweets.edges.map((e) => e.node.id) ?? []));
    if (!page.data?.tweets.pageInfo.hasNextPage) return ids;
    after = page.data.tweets.pageInfo.endCursor;
  }
  throw new Error("too many pages");
}

describe("history from Kafka", () => {
  it("pages a time range of the Kafka log, newest first, leaving deleted posts out", async () => {
    const ids = await allPages({ from: iso(T0 + 10_000), to: iso(T0 + 30_000) });
    const want = Array.from({ length: 20 }, (_, k) => `h${String(29 - k)}`).filter(
      (id) => id !== "h20",
    );
    expect(ids).toEqual(want);
    const traffic = await allPages({ from: iso(T0), labels: ["TRAFFIC"] });
    expect(traffic).toEqual(
      Array.from({ length: POSTS }, (_, k) => POSTS - 1 - k)
        .filter((i) => i % 2 === 1)
        .map((i) => `h${String(i)}`),
    );
  });

  it("pages backward with last and before, and refuses after with before", async () => {
    const BACK = `query ($before: String, $after: String) {
      tweets(topic: "jalan", from: "${iso(T0 + 10_000)}", to: "${iso(T0 + 30_000)}", last: 4, before: $before, after: $after) {
        edges { cursor node { id } }
        pageInfo { hasPreviousPage hasNextPage startCursor }
      }
    }`;
    interface Back {
      tweets: {
        edges: { cursor: string; node: { id: string } }[];
        pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null };
      };
    }
    const oldest = await graphql<Back>(web, BACK, {});
    expect(oldest.data?.tweets.edges.map((e) => e.node.id)).toEqual(["h13", "h12", "h11", "h10"]);
    const newer = await graphql<Back>(web, BACK, {
      before: oldest.data?.tweets.pageInfo.startCursor,
    });
    expect(newer.data?.tweets.edges.map((e) => e.node.id)).toEqual(["h17", "h16", "h15", "h14"]);
    expect(newer.data?.tweets.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const both = await graphql(web, BACK, {
      before: oldest.data?.tweets.pageInfo.startCursor,
      after: oldest.data?.tweets.pageInfo.startCursor,
    });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "before" });
  });

  it("streams the same range from /export, oldest first", async () => {
    const response = await fetch(
      `http://127.0.0.1:${String(web.port)}/export?topic=jalan&from=${iso(T0 + 10_000)}&to=${iso(T0 + 30_000)}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const ids = (await response.text())
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toEqual(
      await allPages({ from: iso(T0 + 10_000), to: iso(T0 + 30_000) }).then((p) => p.reverse()),
    );
    const unknown = await fetch(`http://127.0.0.1:${String(web.port)}/export?topic=nope`);
    expect(unknown.status).toBe(404);
  });

  it("counts a range per bucket from the catalogue, the same after a restart", async () => {
    const STATS = `query ($from: DateTime, $to: DateTime, $bucket: StatsBucketSize) {
      topicStats(topic: "jalan", from: $from, to: $to, bucket: $bucket) {
        from to bucket window countedThrough
        buckets { start traffic nonTraffic notClassified total }
        totals { traffic nonTraffic total }
      }
    }`;
    interface Stats {
      topicStats: {
        from: string;
        bucket: string;
        countedThrough: string;
        buckets: { start: string; traffic: number; nonTraffic: number; total: number }[];
        totals: { traffic: number; nonTraffic: number; total: number };
      };
    }
    const range = { from: iso(T0 - 60_000), to: iso(T0 + 3 * 60_000) };
    const minutes = await graphql<Stats>(web, STATS, { ...range, bucket: "MINUTE" });
    expect(minutes.errors).toBeUndefined();
    const stats = minutes.data?.topicStats;
    // Every record of the log counts, h20 too (deleted at its source after it was logged).
    expect(stats?.totals).toEqual({ traffic: 30, nonTraffic: 30, total: 60 });
    const perMinute = new Map<string, number>();
    for (let i = 0; i < POSTS; i++) {
      const minute = iso(Math.floor((T0 + i * 1000) / 60_000) * 60_000);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    expect(stats?.buckets.filter((b) => b.total > 0).map((b) => [b.start, b.total])).toEqual([
      ...perMinute,
    ]);
    expect(Date.parse(stats?.countedThrough ?? "")).toBeGreaterThan(T0 + POSTS * 1000);

    await web.stop();
    web = await startWeb(deployment);
    const hours = await graphql<Stats>(web, STATS, range);
    expect(hours.data?.topicStats.bucket).toBe("MINUTE");
    expect(hours.data?.topicStats.totals).toEqual(stats?.totals);
    const day = await graphql<Stats>(web, STATS, { ...range, bucket: "DAY" });
    expect(day.data?.topicStats.buckets).toHaveLength(
      1 + Number(iso(T0 + 3 * 60_000).slice(0, 10) !== iso(T0 - 60_000).slice(0, 10)),
    );
    expect(day.data?.topicStats.totals).toEqual(stats?.totals);

    const tooMany = await graphql(web, STATS, { from: iso(T0 - 2 * 86_400_000), bucket: "MINUTE" });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "bucket",
    });
    const noFrom = await graphql(web, STATS, { to: iso(T0) });
    expect(noFrom.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "from" });
  });

  it("refuses bad ranges and ranges older than retention kept", async () => {
    const backwards = await graphql(web, PAGE, { from: iso(T0 + 5000), to: iso(T0) });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "to",
    });
    await kafka.deleteRecords(topics.user("jalan"), [{ partition: 1, offset: "3" }]);
    const expired = await graphql(web, PAGE, { from: iso(T0) });
    // Partition 1 holds posts 1, 3, 5, …: offset 3 is post 7.
    expect(expired.errors?.[0]?.extensions).toMatchObject({
      code: "HISTORY_EXPIRED",
      oldestAvailable: iso(T0 + 7000),
    });
    expect(expired.errors?.[0]?.message).toContain(iso(T0 + 7000));
    expect(await allPages({ from: iso(T0 + 7000), to: iso(T0 + 9000) })).toEqual(["h8", "h7"]);
  });
});
