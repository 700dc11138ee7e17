// The gateway end to end on the real broker (in the root project: it runs all
// three apps, which an app's own tests may not import): a topic created through the API,
// posts pushed through the streamer and the classifier (the real model),
// received by graphql-ws and Apollo Client subscribers, history and stats
// queries, resuming with a cursor, topicsChanged, two web processes sharing
// the deployment, and deletion ending subscriptions cleanly. On SQLite only:
// posts never touch the catalogue, and server.test.ts runs the catalogue's
// part (topic mutations, topicsChanged, reconcile at start) on both databases.
import {
  ApolloClient,
  ApolloLink,
  HttpLink,
  InMemoryCache,
  gql,
  type TypedDocumentNode,
} from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { OperationTypeNode } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { metricValue, waitFor } from "@tweetream/shared/testing";
import { loadClassifierEnv, startClassifier } from "@tweetream/classifier";
import { loadStreamerEnv, ManualSource, startStreamer } from "@tweetream/streamer";
import type { WebServer } from "@tweetream/web";
import {
  ADMIN_TOKEN,
  codes,
  collect,
  graphql,
  healthy,
  logger,
  newDeployment,
  startWeb,
  wsClient,
  wsUrl,
  type Collected,
  type Deployment,
} from "../apps/web/test/gateway-harness.ts";

/** Runs a classifier and a streamer fed by `source` for `deployment`; returns their stop. */
export async function startPipeline(
  deployment: Deployment,
  source: ManualSource,
): Promise<() => Promise<void>> {
  const common = {
    NODE_ENV: "test" as const,
    KAFKA_BROKERS: inject("kafkaBrokers"),
    KAFKA_TOPIC_PREFIX: deployment.prefix,
    LOG_LEVEL: "warn",
  };
  const classifier = await startClassifier({
    env: loadClassifierEnv({ ...common, CLASSIFIER_HEALTH_PORT: "0" }),
    logger,
  });
  const streamer = await startStreamer({
    env: loadStreamerEnv({ ...common, STREAMER_HEALTH_PORT: "0" }),
    logger,
    source,
  });
  return async () => {
    await streamer.stop();
    await classifier.stop();
  };
}

interface TweetFields {
  id: string;
  topic: string;
  text: string;
  label: "TRAFFIC" | "NON_TRAFFIC";
  score: number;
  cursor: string;
  createdAt: string;
  topics: string[];
  author: { username: string };
  model: { name: string };
}
interface TweetAdded {
  tweetAdded: TweetFields;
}

const TWEET_FIELDS = `id topic text label score cursor createdAt topics author { username } model { name }`;
const TWEET_ADDED = `subscription ($topic: ID!, $labels: [Label!], $after: String) {
  tweetAdded(topic: $topic, labels: $labels, after: $after) { ${TWEET_FIELDS} }
}`;
const TOPICS_CHANGED = `subscription { topicsChanged { kind slug topic { slug name rule status } } }`;
const SLUG = "macet";

const deployment = newDeployment();
const source = new ManualSource();
let web: WebServer;
const clients: Client[] = [];
let apollo: ApolloClient;
/** Stops what beforeAll started, newest first. */
const stops: (() => Promise<void> | void)[] = [];

function client(server: WebServer): Client {
  const created = wsClient(server);
  clients.push(created);
  return created;
}

/** Pushes `texts` as posts; returns their ids in order. */
function send(...texts: string[]): string[] {
  const posts = texts.map((text) => source.post(text));
  source.push(posts);
  return posts.map((p) => p.id);
}

const idsOf = (sub: Collected<TweetAdded>) =>
  sub.results.flatMap((r) => (r.data ? [r.data.tweetAdded.id] : []));

function apolloClientFor(server: WebServer): ApolloClient {
  const http = new HttpLink({ uri: `http://127.0.0.1:${server.port}/graphql` });
  const ws = new GraphQLWsLink(client(server));
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.split(
      ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
      ws,
      http,
    ),
  });
}

// One partition everywhere (web creates the core topics first), so posts keep
// the order they were sent in and the assertions can check it.
const SINGLE_PARTITION = { KAFKA_TOPIC_PARTITIONS: "1" };

beforeAll(async () => {
  web = await startWeb(deployment, SINGLE_PARTITION);
  stops.unshift(() => web.stop());
  stops.unshift(await startPipeline(deployment, source));
  apollo = apolloClientFor(web);
  stops.unshift(() => {
    apollo.stop();
  });
});

afterEach(async () => {
  expect(await healthy(web)).toBe(true);
});

afterAll(async () => {
  await Promise.all(
    clients.map(async (c) => {
      await c.dispose();
    }),
  );
  for (const stop of stops) await stop();
});

describe("gateway over the pipeline", () => {
  let changes: Collected<{ topicsChanged: { kind: string; slug: string; topic: unknown } }>;

  it("creates a topic through the API and announces it on topicsChanged", async () => {
    changes = collect(client(web), TOPICS_CHANGED);
    // Subscribed before the mutation, so the creation must be seen.
    await waitFor(() => (web.stats().topicsChangedListeners >= 1 ? true : undefined), {
      what: "the topicsChanged subscription",
    });
    const created = await graphql<{ createTopic: { slug: string; status: string } }>(
      web,
      `
        mutation ($input: CreateTopicInput!) {
          createTopic(input: $input) {
            slug
            name
            rule
            status
            createdAt
          }
        }
      `,
      { input: { slug: SLUG, name: "Macet", rule: "macet OR kemacetan" } },
      { token: ADMIN_TOKEN },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createTopic).toMatchObject({ slug: SLUG, status: "ACTIVE" });
    const [first] = await changes.atLeast(1);
    expect(first?.data?.topicsChanged).toMatchObject({
      kind: "CREATED",
      slug: SLUG,
      topic: { slug: SLUG, name: "Macet", rule: "macet OR kemacetan" },
    });
    const listed = await graphql<{ topics: { slug: string }[] }>(
      web,
      `
        {
          topics {
            slug
          }
        }
      `,
    );
    expect(listed.data?.topics.map((t) => t.slug)).toEqual([SLUG]);
  });

  let wsSub: Collected<TweetAdded>;
  const apolloIds: string[] = [];
  let apolloDone = false;
  let sent: string[] = [];

  it("delivers classified posts to graphql-ws and Apollo Client subscribers", async () => {
    wsSub = collect<TweetAdded>(client(web), TWEET_ADDED, { topic: SLUG });
    apollo
      .subscribe<TweetAdded>({ query: gql(TWEET_ADDED), variables: { topic: SLUG } })
      .subscribe({
        next: (result) => {
          if (result.data) apolloIds.push(result.data.tweetAdded.id);
        },
        complete: () => {
          apolloDone = true;
        },
      });
    // The streamer picks the new rule up within seconds: send until a post lands.
    await waitFor(
      () => {
        send("macet parah di tol dalam kota pagi ini");
        return wsSub.results.length > 0 && apolloIds.length > 0 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 700, what: "the first post" },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = wsSub.results.length;
    const apolloBefore = apolloIds.length;
    sent = send(
      "Macet total di Jl. Sudirman arah Semanggi, sudah 1 jam gak gerak",
      "kemacetan panjang di tol Cikampek km 47 pagi ini",
      "macet lagi di Gatot Subroto, hati-hati",
      "jalan Thamrin macet karena ada demo",
    );
    await wsSub.atLeast(before + sent.length);
    await waitFor(() => (apolloIds.length >= apolloBefore + sent.length ? true : undefined), {
      what: "Apollo Client to receive the posts",
    });
    expect(idsOf(wsSub).slice(before)).toEqual(sent);
    expect(apolloIds.slice(apolloBefore)).toEqual(sent);
    const tweet = wsSub.results.at(-1)?.data?.tweetAdded;
    expect(tweet).toMatchObject({ topic: SLUG, topics: [SLUG], label: "TRAFFIC" });
    expect(tweet?.text).toContain("Thamrin");
    expect(tweet?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(tweet?.score).toBeGreaterThan(0.5);
    expect(wsSub.results.every((r) => r.errors === undefined)).toBe(true);
    // The last posts went to both subscribers (graphql-ws and Apollo), the first
    // ones to at least one of them.
    const deliveries = await metricValue(web.healthPort, "tweetream_web_deliveries_total");
    expect(deliveries).toBeGreaterThanOrEqual(before + 2 * sent.length);
    const latencies = await metricValue(
      web.healthPort,
      "tweetream_pipeline_latency_seconds_count",
      {
        stage: "delivered",
      },
    );
    expect(latencies).toBeGreaterThanOrEqual(before + sent.length);
    const executed = await metricValue(web.healthPort, "tweetream_web_subscription_events_total", {
      result: "executed",
    });
    expect(executed).toBeGreaterThanOrEqual(sent.length);
  });

  it("serves tweets history (paged, filtered) and topicStats, over HTTP and Apollo Client", async () => {
    interface Page {
      tweets: {
        edges: { cursor: string; node: { id: string; label: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    }
    const PAGE = `query ($after: String, $labels: [Label!]) {
      tweets(topic: "${SLUG}", first: 2, after: $after, labels: $labels) {
        edges { cursor node { id label } } pageInfo { hasNextPage endCursor }
      }
    }`;
    const first = await graphql<Page>(web, PAGE);
    expect(first.errors).toBeUndefined();
    const newest = [...sent].reverse();
    expect(first.data?.tweets.edges.map((e) => e.node.id)).toEqual(newest.slice(0, 2));
    expect(first.data?.tweets.pageInfo.hasNextPage).toBe(true);
    const second = await graphql<Page>(web, PAGE, {
      after: first.data?.tweets.pageInfo.endCursor,
    });
    expect(second.data?.tweets.edges.map((e) => e.node.id)).toEqual(newest.slice(2, 4));
    const traffic = await graphql<Page>(web, PAGE, { labels: ["TRAFFIC"] });
    expect(traffic.data?.tweets.edges.every((e) => e.node.label === "TRAFFIC")).toBe(true);

    interface Stats {
      topicStats: {
        window: number;
        buckets: { minute: string; total: number }[];
        totals: { traffic: number; nonTraffic: number; total: number };
      };
    }
    const query: TypedDocumentNode<Stats> = gql`
        query {
          topicStats(topic: "${SLUG}", window: 5) {
            topic window buckets { minute traffic nonTraffic total } totals { traffic nonTraffic total }
          }
        }
      `;
    const stats = await apollo.query({
      query,
      fetchPolicy: "network-only",
    });
    const figures = stats.data?.topicStats;
    expect(figures?.window).toBe(5);
    expect(figures?.buckets).toHaveLength(5);
    expect(figures?.totals.total).toBeGreaterThanOrEqual(sent.length + 1);
    expect(figures?.totals.total).toBe(
      (figures?.totals.traffic ?? 0) + (figures?.totals.nonTraffic ?? 0),
    );
    expect(figures?.buckets.reduce((sum, b) => sum + b.total, 0)).toBe(figures?.totals.total);
    expect(new Date(figures?.buckets[0]?.minute ?? "").getUTCSeconds()).toBe(0);
  });

  it("resumes tweetAdded(after:) with the posts missed in between, then goes live", async () => {
    const delivered = wsSub.results.flatMap((r) => (r.data ? [r.data.tweetAdded] : []));
    const resumeFrom = delivered.at(-3);
    expect(resumeFrom).toBeDefined();
    const missed = delivered.slice(-2).map((t) => t.id);
    const resumed = collect<TweetAdded>(client(web), TWEET_ADDED, {
      topic: SLUG,
      after: resumeFrom?.cursor,
    });
    await resumed.atLeast(2);
    expect(idsOf(resumed)).toEqual(missed);
    const live = send("macet di Kuningan setelah hujan deras");
    await resumed.atLeast(3);
    expect(idsOf(resumed)).toEqual([...missed, ...live]);
    resumed.stop();
  });

  it("sends a fresh topicStats figure every second", async () => {
    const stats = collect<{ topicStats: { window: number; totals: { total: number } } }>(
      client(web),
      `subscription { topicStats(topic: "${SLUG}", window: 10) { window totals { total } buckets { minute } } }`,
    );
    const started = Date.now();
    const figures = await stats.atLeast(3, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(figures[0]?.data?.topicStats.window).toBe(10);
    expect(figures[0]?.data?.topicStats.totals.total).toBeGreaterThan(0);
    stats.stop();
  });

  it("delivers every post to the subscribers of each of two web processes", async () => {
    const other = await startWeb(deployment, SINGLE_PARTITION);
    try {
      const subscribers = web.stats().hubSubscribers;
      const here = collect<TweetAdded>(client(web), TWEET_ADDED, { topic: SLUG });
      const there = collect<TweetAdded>(client(other), TWEET_ADDED, { topic: SLUG });
      await waitFor(
        () =>
          web.stats().hubSubscribers > subscribers && other.stats().hubSubscribers >= 1
            ? true
            : undefined,
        { what: "both subscriptions" },
      );
      const ids = send(
        "macet di Cawang arah Priok",
        "kemacetan di pintu tol Halim",
        "Slipi macet total",
      );
      await here.atLeast(3);
      await there.atLeast(3);
      expect(idsOf(here)).toEqual(ids);
      expect(idsOf(there)).toEqual(ids);
      // Both processes read the same catalogue and stream.
      const otherTopics = await graphql<{ topics: { slug: string }[] }>(
        other,
        `
          {
            topics {
              slug
            }
          }
        `,
      );
      expect(otherTopics.data?.topics.map((t) => t.slug)).toEqual([SLUG]);
      here.stop();
      there.stop();
      expect(await healthy(other)).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it("announces updates on topicsChanged", async () => {
    const before = changes.results.length;
    const updated = await graphql<{ updateTopic: { name: string; rule: string } }>(
      web,
      `mutation { updateTopic(slug: "${SLUG}", input: { name: "Macet Jakarta" }) { name rule } }`,
      {},
      { token: ADMIN_TOKEN },
    );
    expect(updated.data?.updateTopic).toEqual({
      name: "Macet Jakarta",
      rule: "macet OR kemacetan",
    });
    const seen = await changes.atLeast(before + 1);
    expect(seen[before]?.data?.topicsChanged).toMatchObject({
      kind: "UPDATED",
      slug: SLUG,
      topic: { name: "Macet Jakarta" },
    });
  });

  it("ends subscriptions of a deleted topic cleanly and leaks no listeners", async () => {
    const stats = collect(client(web), `subscription { topicStats(topic: "${SLUG}") { window } }`);
    await stats.atLeast(1);
    const before = changes.results.length;
    const deleted = await graphql<{ deleteTopic: { slug: string } }>(
      web,
      `mutation { deleteTopic(slug: "${SLUG}") { slug } }`,
      {},
      { token: ADMIN_TOKEN },
    );
    expect(deleted.data?.deleteTopic).toEqual({ slug: SLUG });
    await wsSub.ended();
    expect(wsSub.completed).toBe(true);
    expect(wsSub.errors).toEqual([]);
    await stats.ended();
    expect(stats.completed).toBe(true);
    await waitFor(() => (apolloDone ? true : undefined), {
      what: "Apollo's subscription to complete",
    });
    const seen = await changes.atLeast(before + 1);
    expect(seen[before]?.data?.topicsChanged).toEqual({ kind: "DELETED", slug: SLUG, topic: null });

    const gone = await graphql(web, `{ tweets(topic: "${SLUG}") { edges { cursor } } }`);
    expect(codes(gone)).toEqual(["NOT_FOUND"]);
    expect(web.stats().hubSubscribers).toBe(0);
    changes.stop();
    await waitFor(() => (web.stats().topicsChangedListeners === 0 ? true : undefined), {
      what: "the topicsChanged listener to go",
    });
    expect(wsUrl(web)).toContain("/graphql");
  });
});
