// tweetAdded(from:) through the real web server and a stock graphql-ws client:
// the topic's posts from a moment on, replayed from its Kafka log (the web
// process keeps only 10 in memory here), then live ones written while the
// replay runs, each exactly once and in order per partition; paced by
// WEB_REPLAY_RATE per replay and WEB_REPLAY_TOTAL_RATE for all of them; a
// moment older than retention is refused.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  createKafkaClient,
  encodeMessage,
  topicNames,
  type KafkaClient,
  type Producer,
} from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";
import type { WebServer } from "../src/index.ts";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import {
  createTopic,
  collect,
  graphql,
  logger,
  newDeployment,
  startWeb,
  wsClient,
} from "./gateway-harness.ts";

const deployment = newDeployment();
const topics = topicNames(deployment.prefix);
/** Two hours ago: well before anything the web process keeps, within Kafka's clock limit. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000;
const OLD = 60;
const RATE = 200;
let web: WebServer;
let kafka: KafkaClient;
let producer: Producer;

const iso = (at: number) => new Date(at).toISOString();
const SUBSCRIPTION = `subscription ($from: DateTime, $after: String, $topic: ID!) {
  tweetAdded(topic: $topic, from: $from, after: $after) { id cursor }
}`;

async function write(slug: string, ids: string[], at: (i: number) => number | undefined) {
  await producer.send(
    ids.map((id, i) => ({
      topic: topics.user(slug),
      key: id,
      partition: i % 2,
      ...(at(i) === undefined ? {} : { timestamp: at(i) }),
      value: encodeMessage(ClassifiedPost, classifiedPost(id, "traffic", slug)),
    })),
  );
}

beforeAll(async () => {
  web = await startWeb(deployment, { WEB_HISTORY_PER_TOPIC: "10", WEB_REPLAY_RATE: String(RATE) });
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: "replay-test",
    logger,
    topics,
  });
  producer = await kafka.createProducer();
  for (const slug of ["jalan", "expired"]) {
    await createTopic(web, { slug, rule: "macet" });
    await write(
      slug,
      Array.from({ length: OLD }, (_, i) => `h${String(i)}`),
      (i) => T0 + i * 1000,
    );
  }
  // The hub follows both topics (it keeps only the newest 10 posts of each).
  await waitFor(
    async () => {
      const pages = await Promise.all(
        ["jalan", "expired"].map((topic) =>
          graphql<{ tweets: { edges: unknown[] } }>(
            web,
            "query ($topic: ID!) { tweets(topic: $topic, first: 1) { edges { cursor } } }",
            { topic },
          ),
        ),
      );
      return pages.every((p) => (p.data?.tweets.edges.length ?? 0) > 0) ? true : undefined;
    },
    { what: "the hub to follow the topics" },
  );
});

afterAll(async () => {
  await producer.disconnect();
  await kafka.close();
  await web.stop();
});

describe("tweetAdded(from:)", () => {
  it("replays from the moment out of Kafka, then goes on live: every post once, in order per partition", async () => {
    const client = wsClient(web);
    const feed = collect<{ tweetAdded: { id: string; cursor: string } }>(client, SUBSCRIPTION, {
      topic: "jalan",
      from: iso(T0 + 10_000),
    });
    // Live posts written while the replay runs; more than the hub keeps.
    const live = Array.from({ length: 30 }, (_, i) => `l${String(i)}`);
    for (let i = 0; i < live.length; i += 5) {
      await write("jalan", live.slice(i, i + 5), () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const replayed = OLD - 10;
    const results = await feed.atLeast(replayed + live.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = feed.results.map((r) => r.data?.tweetAdded.id ?? "?");
    expect(feed.errors).toEqual([]);
    expect(ids).toHaveLength(replayed + live.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, replayed).sort()).toEqual(
      Array.from({ length: replayed }, (_, i) => `h${String(i + 10)}`).sort(),
    );
    expect(ids.slice(replayed).sort()).toEqual([...live].sort());
    // In order per partition: h and l posts alternate partitions by index.
    const index = (id: string) => Number(id.slice(1));
    for (const prefix of ["h", "l"]) {
      for (const partition of [0, 1]) {
        const got = ids.filter((id) => id.startsWith(prefix) && index(id) % 2 === partition);
        expect(got).toEqual([...got].sort((a, b) => index(a) - index(b)));
      }
    }
    // The last cursor resumes on the hub: nothing after it yet.
    const last = results.at(-1)?.data?.tweetAdded.cursor;
    expect(last).toBeDefined();
    feed.stop();
    await client.dispose();
  });

  it("paces a replay at WEB_REPLAY_RATE posts a second", async () => {
    const client = wsClient(web);
    const started = performance.now();
    const feed = collect(client, SUBSCRIPTION, { topic: "jalan", from: iso(T0 + 10_000) });
    await feed.atLeast(60);
    // 60 posts at 200 a second: 300 ms, less the first run sent at once (10 posts).
    expect(performance.now() - started).toBeGreaterThan(((60 - 10) / RATE) * 1000);
    feed.stop();
    await client.dispose();
  });

  it("shares WEB_REPLAY_TOTAL_RATE among the replays of a process", async () => {
    // A second web process of the deployment: 1,000 a second per replay, 100 for all of them.
    const shared = await startWeb(deployment, {
      WEB_HISTORY_PER_TOPIC: "10",
      WEB_REPLAY_RATE: "1000",
      WEB_REPLAY_TOTAL_RATE: "100",
    });
    try {
      const clients = [wsClient(shared), wsClient(shared), wsClient(shared)];
      const started = performance.now();
      const feeds = clients.map((client) =>
        collect(client, SUBSCRIPTION, { topic: "jalan", from: iso(T0 + 10_000) }),
      );
      await Promise.all(feeds.map((feed) => feed.atLeast(50)));
      // 150 posts at 100 a second, less the budget's first run (64): 0.86 s at least,
      // where each replay alone would take 50 ms.
      expect(performance.now() - started).toBeGreaterThan(((150 - 64) / 100) * 1000);
      for (const feed of feeds) feed.stop();
      await Promise.all(clients.map(async (client) => client.dispose()));
    } finally {
      await shared.stop();
    }
  });

  it("refuses from together with after, and a moment older than retention", async () => {
    const client = wsClient(web);
    // graphql-ws sends an error of the subscribe step as a result with errors, then completes.
    const refusal = async (variables: Record<string, unknown>) => {
      const feed = collect(client, SUBSCRIPTION, variables);
      await feed.ended();
      return JSON.stringify([feed.results, feed.errors]);
    };
    const page = await graphql<{ tweets: { edges: { cursor: string }[] } }>(
      web,
      `
        {
          tweets(topic: "jalan", first: 1) {
            edges {
              cursor
            }
          }
        }
      `,
    );
    const after = page.data?.tweets.edges[0]?.cursor;
    expect(after).toBeDefined();
    const both = await refusal({ topic: "jalan", from: iso(T0), after });
    expect(both).toContain("BAD_USER_INPUT");
    expect(both).toContain("not both");
    await kafka.deleteRecords(topics.user("expired"), [{ partition: 0, offset: "5" }]);
    const expired = await refusal({ topic: "expired", from: iso(T0) });
    // Partition 0 holds h0, h2, h4, …: offset 5 is h10.
    expect(expired).toContain("HISTORY_EXPIRED");
    expect(expired).toContain(iso(T0 + 10_000));
    await client.dispose();
  });
});
