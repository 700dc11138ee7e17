// Subscribers as positions in a shared log, tried as a client would: stock
// graphql-ws clients (and a raw socket that stops reading) against real web
// processes on the real broker, with posts written straight to the topic's
// Kafka partitions, as classifier replicas with skewed clocks write them.
// - A subscriber that drops its socket every 0.5-2 s and resumes with the
//   last cursor gets exactly what one that stays connected gets: nothing
//   missed, nothing twice, on one web process and across two.
// - A subscriber that stops reading until it falls behind the history is told
//   so (SUBSCRIBER_TOO_SLOW, with a cursor), and resuming from that cursor
//   brings every later post the history still holds.
import type { FormattedExecutionResult } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import {
  ClassifiedPost,
  createKafkaClient,
  encodeMessage,
  topicNames,
  type KafkaClient,
  type Producer,
} from "@tweetream/shared";
import { metricValue, waitFor } from "@tweetream/shared/testing";
import type { WebServer } from "../src/index.ts";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import {
  ADMIN_TOKEN,
  graphql,
  logger,
  newDeployment,
  startWeb,
  wsClient,
  wsUrl,
  type GraphQLError,
} from "./gateway-harness.ts";

interface Received {
  id: string;
  cursor: string;
}
const TWEET_ADDED = `subscription ($topic: ID!, $after: String) {
  tweetAdded(topic: $topic, after: $after) { id cursor }
}`;
/** With the text: the slow subscriber's frames are as big as its posts. */
const TWEET_ADDED_WITH_TEXT = `subscription ($topic: ID!) {
  tweetAdded(topic: $topic) { id cursor text }
}`;

const deployment = newDeployment();
const webs: WebServer[] = [];
let kafka: KafkaClient;
let producer: Producer;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  webs.push(await startWeb(deployment), await startWeb(deployment));
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: "shared-log-test",
    logger,
    topics: topicNames(deployment.prefix),
  });
  producer = await kafka.createProducer();
});

afterAll(async () => {
  await producer.disconnect();
  await kafka.close();
  await Promise.all(webs.map((web) => web.stop()));
});

async function createTopic(slug: string): Promise<void> {
  const web = webs[0];
  if (!web) throw new Error("no web server");
  const created = await graphql(
    web,
    `
      mutation ($input: CreateTopicInput!) {
        createTopic(input: $input) {
          slug
        }
      }
    `,
    { input: { slug, name: slug, rule: "macet" } },
    { token: ADMIN_TOKEN },
  );
  expect(created.errors).toBeUndefined();
}

/**
 * Writes `count` posts per producer at `perSecond` each: producer A on
 * partition 0 stamped now, producer B on partition 1 stamped 1.5 s earlier.
 * Resolves with every id written.
 */
async function skewedProducers(slug: string, seconds: number, perSecond: number) {
  const ids: string[] = [];
  const topic = kafka.topics.user(slug);
  const rounds = seconds * perSecond;
  for (let round = 0; round < rounds; round++) {
    const records = [0, 1].map((partition) => {
      const post = classifiedPost(`${slug}-${partition}-${round}`, "traffic", slug);
      ids.push(post.id);
      return {
        topic,
        key: post.id,
        value: encodeMessage(ClassifiedPost, post),
        partition,
        timestamp: Date.now() - partition * 1500,
      };
    });
    await producer.send(records);
    await sleep(1000 / perSecond);
  }
  return ids;
}

/** A stock graphql-ws subscriber that never lets go. */
function steadySubscriber(web: WebServer, slug: string) {
  const received: string[] = [];
  const client = wsClient(web);
  client.subscribe<{ tweetAdded: Received }>(
    { query: TWEET_ADDED, variables: { topic: slug } },
    {
      next: (result) => {
        if (result.data) received.push(result.data.tweetAdded.id);
      },
      error: (error) => {
        throw new Error(`steady subscriber failed: ${JSON.stringify(error)}`);
      },
      complete: () => undefined,
    },
  );
  return { received, dispose: () => client.dispose() };
}

/**
 * A stock graphql-ws subscriber that drops its socket every 0.5-2 s and
 * subscribes again with the last cursor it got, each time to the next of
 * `servers` (round robin), until `done()`; then once more, until it has
 * `expected()` posts. Like any client that dropped a socket, it ignores what
 * that socket still hands over.
 */
async function reconnectingSubscriber(
  servers: readonly WebServer[],
  slug: string,
  startAfter: string | null,
  done: () => boolean,
  expected: () => number,
): Promise<{ received: string[]; reconnects: number }> {
  const received: string[] = [];
  let cursor = startAfter;
  let reconnects = 0;
  for (let last = false; !last; reconnects++) {
    last = done();
    const server = servers[reconnects % servers.length];
    if (!server) throw new Error("no server");
    const client: Client = wsClient(server);
    let active = true;
    client.subscribe<{ tweetAdded: Received }>(
      { query: TWEET_ADDED, variables: { topic: slug, after: cursor } },
      {
        next: (result) => {
          if (!active || !result.data) return;
          received.push(result.data.tweetAdded.id);
          cursor = result.data.tweetAdded.cursor;
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    if (last) {
      await waitFor(() => (received.length >= expected() ? true : undefined), {
        what: "every post at the reconnecting subscriber",
      }).catch(() => undefined);
      await sleep(300);
    } else {
      await sleep(500 + Math.random() * 1500);
    }
    active = false;
    await client.dispose();
  }
  return { received, reconnects };
}

/** The cursor of the newest post of `slug`, to start a subscriber exactly where another did. */
async function newestCursor(web: WebServer, slug: string): Promise<string | null> {
  const page = await graphql<{ tweets: { pageInfo: { endCursor: string | null } } }>(
    web,
    `
      query ($topic: ID!) {
        tweets(topic: $topic, first: 1) {
          pageInfo {
            endCursor
          }
        }
      }
    `,
    { topic: slug },
  );
  return page.data?.tweets.pageInfo.endCursor ?? null;
}

describe("subscribers are positions in the topic's log", () => {
  for (const processes of [1, 2]) {
    it(`resumes with a cursor across skewed partitions without missing or repeating a post (${processes} web process${processes === 1 ? "" : "es"})`, async () => {
      const slug = `skew-${processes}`;
      await createTopic(slug);
      const [first] = webs;
      if (!first) throw new Error("no web server");
      const steady = steadySubscriber(first, slug);
      await waitFor(() => (first.stats().hubSubscribers >= 1 ? true : undefined), {
        what: "the steady subscriber",
      });
      // Both start after the same post: none yet, so from the first one written.
      const start = await newestCursor(first, slug);
      let written: string[] = [];
      const resuming = reconnectingSubscriber(
        webs.slice(0, processes),
        slug,
        start,
        () => written.length > 0,
        () => written.length,
      );
      await waitFor(() => (first.stats().hubSubscribers >= 2 ? true : undefined), {
        what: "both subscribers",
      });
      written = await skewedProducers(slug, 10, 20);
      const { received, reconnects } = await resuming;
      await waitFor(() => (steady.received.length >= written.length ? true : undefined), {
        what: "every post at the steady subscriber",
      });
      await steady.dispose();

      expect(reconnects).toBeGreaterThanOrEqual(5);
      expect(new Set(steady.received)).toEqual(new Set(written));
      expect(steady.received).toHaveLength(written.length);
      const missed = written.filter((id) => !received.includes(id));
      const repeated = received.length - new Set(received).size;
      expect({ missed: missed.length, repeated }).toEqual({ missed: 0, repeated: 0 });
    }, 60_000);
  }

  it("tells a subscriber that fell behind the history, and a resume brings what the history holds", async () => {
    const history = 200;
    const web = await startWeb(deployment, { WEB_HISTORY_PER_TOPIC: String(history) });
    webs.push(web);
    const slug = "slow";
    await createTopic(slug);

    // A raw graphql-transport-ws client that stops reading its socket.
    const socket = new WebSocket(wsUrl(web), "graphql-transport-ws");
    const frames: { id?: string; type: string; payload?: unknown }[] = [];
    socket.on("message", (data: Buffer) => {
      frames.push(JSON.parse(data.toString("utf8")) as (typeof frames)[number]);
    });
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init" }));
    await waitFor(() => (frames.some((f) => f.type === "connection_ack") ? true : undefined), {
      what: "connection_ack",
    });
    socket.send(
      JSON.stringify({
        id: "slow-1",
        type: "subscribe",
        payload: { query: TWEET_ADDED_WITH_TEXT, variables: { topic: slug } },
      }),
    );
    await sleep(300);
    socket.pause(); // stops reading the TCP socket (ws's own resume included)

    // About 72 MB of frames: far more than the history and the loopback
    // socket buffers (a paused reader's receive buffer grows to 32 MB here) hold.
    const total = 3000;
    const topic = kafka.topics.user(slug);
    const padding = "macet ".repeat(4000);
    for (let from = 0; from < total; from += 30) {
      const records = [];
      for (let i = from; i < from + 30; i++) {
        const post = { ...classifiedPost(`slow-${i}`, "traffic", slug), text: `${padding}${i}` };
        records.push({ topic, key: post.id, value: encodeMessage(ClassifiedPost, post) });
      }
      await producer.send(records);
    }
    await waitFor(
      async () =>
        ((await metricValue(web.healthPort, "tweetream_web_posts_total", { topic: slug })) ?? 0) >=
        total
          ? true
          : undefined,
      { what: "every post at the web process", timeoutMs: 60_000 },
    );
    socket.resume();
    const errorFrame = await waitFor(() => frames.find((f) => f.type === "error"), {
      what: "the SUBSCRIBER_TOO_SLOW error",
      timeoutMs: 30_000,
    });
    const [error] = errorFrame.payload as GraphQLError[];
    expect(errorFrame.id).toBe("slow-1");
    expect(error?.extensions?.code).toBe("SUBSCRIBER_TOO_SLOW");
    const cursor = error?.extensions?.cursor;
    if (typeof cursor !== "string") throw new Error("no cursor in the error");
    const got = frames
      .filter((f) => f.type === "next" && f.id === "slow-1")
      .map(
        (f) => (f.payload as FormattedExecutionResult<{ tweetAdded: Received }>).data?.tweetAdded,
      );
    // It got posts up to the cursor, then the error, and no `complete`.
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(total - history);
    expect(got.at(-1)?.cursor).toBe(cursor);
    expect(frames.at(-1)).toBe(errorFrame);

    // The history, oldest first: the newest `history` posts.
    const kept: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof graphql<TweetsPage>>> = await graphql<TweetsPage>(
        web,
        `
          query ($topic: ID!, $after: String) {
            tweets(topic: $topic, first: 100, after: $after) {
              edges {
                node {
                  id
                }
              }
              pageInfo {
                hasNextPage
                endCursor
              }
            }
          }
        `,
        { topic: slug, after },
      );
      const tweets = page.data?.tweets;
      if (!tweets) throw new Error(JSON.stringify(page.errors));
      kept.push(...tweets.edges.map((edge) => edge.node.id));
      after = tweets.pageInfo.hasNextPage ? tweets.pageInfo.endCursor : null;
    } while (after !== null);
    kept.reverse();
    expect(kept).toHaveLength(history);

    // Resuming from the cursor brings exactly those, then goes on live.
    const resumed: string[] = [];
    const client = wsClient(web);
    client.subscribe<{ tweetAdded: Received }>(
      { query: TWEET_ADDED, variables: { topic: slug, after: cursor } },
      {
        next: (result) => {
          if (result.data) resumed.push(result.data.tweetAdded.id);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await waitFor(() => (resumed.length >= history ? true : undefined), {
      what: "the posts the history holds",
    });
    await sleep(300);
    expect(resumed).toEqual(kept);
    const everything = [...got.map((t) => t?.id), ...resumed];
    expect(new Set(everything).size).toBe(everything.length);
    expect(await metricValue(web.healthPort, "tweetream_web_subscriber_too_slow_total")).toBe(1);
    socket.terminate();
    await client.dispose();
  }, 120_000);
});

interface TweetsPage {
  tweets: {
    edges: { node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
