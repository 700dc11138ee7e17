// A post's source and link through the real web server: a Bluesky post written
// to its topic's Kafka log comes out of `tweets` and `tweetAdded` with
// `source: BLUESKY`, its bsky.app link, its DID and an empty handle; a
// synthetic one with `url: null`. Its deletion, written to the deletions
// topic, takes it out of `tweets` and reaches a stock graphql-ws
// `tweetDeleted` subscriber.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  createKafkaClient,
  encodeMessage,
  PostDeleted,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import { metricValue, waitFor } from "@tweetream/shared/testing";
import type { WebServer } from "../src/index.ts";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import {
  createTopic,
  graphql,
  logger,
  newDeployment,
  startWeb,
  wsClient,
} from "./gateway-harness.ts";

const FIELDS = "id source url author { id username }";
const deployment = newDeployment();
let web: WebServer;
let kafka: KafkaClient;

const did = "did:plc:q235v55g5unth4zjjdpacfdr";
const bluesky: ClassifiedPost = {
  ...classifiedPost(`at://${did}/app.bsky.feed.post/3mmoojp4cd223`, "traffic", "jalan"),
  source: "bluesky",
  url: `https://bsky.app/profile/${did}/post/3mmoojp4cd223`,
  author: { id: did, username: "" },
};
const synthetic = classifiedPost("syn-1-1", "traffic", "jalan");

beforeAll(async () => {
  web = await startWeb(deployment);
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: "post-source-test",
    logger,
    topics: topicNames(deployment.prefix),
  });
  await createTopic(web, { slug: "jalan", name: "Jalan", rule: "macet" });
});

afterAll(async () => {
  await kafka.close();
  await web.stop();
});

describe("a post's source and link", () => {
  it("reach subscribers and the tweets query, which can keep only some sources", async () => {
    const live: unknown[] = [];
    const syntheticOnly: unknown[] = [];
    const client = wsClient(web);
    client.subscribe(
      { query: `subscription { tweetAdded(topic: "jalan", sources: [SYNTHETIC]) { id source } }` },
      {
        next: (result) => syntheticOnly.push(result.data?.tweetAdded),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    client.subscribe(
      { query: `subscription { tweetAdded(topic: "jalan") { ${FIELDS} } }` },
      {
        next: (result) => live.push(result.data?.tweetAdded),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await waitFor(() => (web.stats().hubSubscribers >= 2 ? true : undefined), {
      what: "the subscribers",
    });
    const producer = await kafka.createProducer();
    await producer.send(
      [bluesky, synthetic].map((post) => ({
        topic: kafka.topics.user("jalan"),
        key: post.id,
        value: encodeMessage(ClassifiedPost, post),
      })),
    );
    await producer.disconnect();
    const expected = [
      {
        id: bluesky.id,
        source: "BLUESKY",
        url: bluesky.url,
        author: { id: did, username: "" },
      },
      {
        id: "syn-1-1",
        source: "SYNTHETIC",
        url: null,
        author: { id: "42", username: "warga_jkt" },
      },
    ];
    await waitFor(() => (live.length >= 2 ? true : undefined), { what: "both posts live" });
    await client.dispose();
    expect(live).toEqual(expect.arrayContaining(expected));
    expect(syntheticOnly).toEqual([{ id: "syn-1-1", source: "SYNTHETIC" }]);
    const blueskyPage = await graphql(
      web,
      `
        {
          tweets(topic: "jalan", sources: [BLUESKY, MASTODON]) {
            edges {
              node {
                id
              }
            }
          }
        }
      `,
    );
    expect(blueskyPage.data).toEqual({ tweets: { edges: [{ node: { id: bluesky.id } }] } });

    const page = await graphql(web, `{ tweets(topic: "jalan") { edges { node { ${FIELDS} } } } }`);
    expect(page.errors).toBeUndefined();
    const nodes = (page.data as { tweets: { edges: { node: unknown }[] } }).tweets.edges.map(
      (edge) => edge.node,
    );
    expect(nodes).toEqual(expect.arrayContaining(expected));
  });

  it("leaves the history when its source deletes it, and tweetDeleted says so", async () => {
    const heard: unknown[] = [];
    const client = wsClient(web);
    client.subscribe(
      { query: `subscription { tweetDeleted(topic: "jalan") { id topic } }` },
      {
        next: (result) => heard.push(result.data?.tweetDeleted),
        error: (error) => heard.push({ error }),
        complete: () => undefined,
      },
    );
    // The subscription reaches the server before the deletion does.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const producer = await kafka.createProducer();
    const deletion: PostDeleted = { v: 1, id: bluesky.id, source: "bluesky", deletedAt: 1 };
    await producer.send([
      { topic: kafka.topics.deleted, key: bluesky.id, value: encodeMessage(PostDeleted, deletion) },
    ]);
    await producer.disconnect();
    await waitFor(() => (heard.length >= 1 ? true : undefined), { what: "the deletion" });
    await client.dispose();
    expect(heard).toEqual([{ id: bluesky.id, topic: "jalan" }]);

    const page = await graphql(
      web,
      `
        {
          tweets(topic: "jalan") {
            edges {
              node {
                id
              }
            }
          }
        }
      `,
    );
    const ids = (page.data as { tweets: { edges: { node: { id: string } }[] } }).tweets.edges.map(
      (edge) => edge.node.id,
    );
    expect(ids).toEqual(["syn-1-1"]);
    expect(await metricValue(web.healthPort, "tweetream_web_posts_deleted_total")).toBe(1);
  });

  it("refuses tweetDeleted of a topic that does not exist", async () => {
    const results: unknown[] = [];
    const client = wsClient(web);
    await new Promise<void>((resolve) => {
      client.subscribe(
        { query: `subscription { tweetDeleted(topic: "nope") { id } }` },
        {
          next: (result) => results.push(result),
          error: (error) => {
            results.push(error);
            resolve();
          },
          complete: resolve,
        },
      );
    });
    await client.dispose();
    expect(results).toMatchObject([{ errors: [{ extensions: { code: "NOT_FOUND" } }] }]);
  });

  it("shows a post in a language the model does not know as NOT_CLASSIFIED, with its language", async () => {
    const german: ClassifiedPost = {
      ...classifiedPost("https://mastodon.example/api/v1/statuses/7", "not_classified", "jalan"),
      source: "mastodon",
      text: "Stau auf der A1 (macet)",
      lang: "de",
      score: 0,
      gate: { language: "de", by: "tag" },
    };
    const producer = await kafka.createProducer();
    await producer.send([
      {
        topic: kafka.topics.user("jalan"),
        key: german.id,
        value: encodeMessage(ClassifiedPost, german),
      },
    ]);
    await producer.disconnect();
    const query = `
      {
        tweets(topic: "jalan", labels: [NOT_CLASSIFIED]) {
          edges {
            node {
              id
              label
              score
              notClassifiedLanguage
            }
          }
        }
        topicStats(topic: "jalan", window: 5) {
          totals {
            notClassified
            total
          }
        }
      }
    `;
    const page = await waitFor(async () => {
      const result = await graphql(web, query);
      const data = result.data as { tweets: { edges: unknown[] } } | undefined;
      return data && data.tweets.edges.length > 0 ? result : undefined;
    });
    expect(page.errors).toBeUndefined();
    expect(page.data).toEqual({
      tweets: {
        edges: [
          {
            node: { id: german.id, label: "NOT_CLASSIFIED", score: 0, notClassifiedLanguage: "de" },
          },
        ],
      },
      // syn-1-1 (traffic) and this one are left in the last five minutes.
      topicStats: { totals: { notClassified: 1, total: 3 } },
    });
  });

  it("replaces an edited post: tweetDeleted names the edit, tweetAdded brings the new version", async () => {
    const id = "https://mastodon.example/api/v1/statuses/8";
    const first: ClassifiedPost = {
      ...classifiedPost(id, "traffic", "jalan"),
      source: "mastodon",
      text: "macet di tol",
    };
    const editedAt = "2026-12-03T09:00:00.000Z";
    const edit: ClassifiedPost = { ...first, text: "macet parah di tol", editedAt };
    const added: unknown[] = [];
    const deleted: unknown[] = [];
    const client = wsClient(web);
    const sink = (into: unknown[]) => ({
      next: (result: { data?: unknown }) => into.push(result.data),
      error: () => undefined,
      complete: () => undefined,
    });
    client.subscribe(
      { query: `subscription { tweetAdded(topic: "jalan") { id text editedAt } }` },
      sink(added),
    );
    client.subscribe(
      { query: `subscription { tweetDeleted(topic: "jalan") { id topic editedAt } }` },
      sink(deleted),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const producer = await kafka.createProducer();
    const record = (post: ClassifiedPost) => ({
      topic: kafka.topics.user("jalan"),
      key: post.id,
      value: encodeMessage(ClassifiedPost, post),
    });
    await producer.send([record(first)]);
    await waitFor(() => (added.length >= 1 ? true : undefined), { what: "the first version" });
    const removal: PostDeleted = { v: 1, id, source: "mastodon", deletedAt: Date.now(), editedAt };
    await producer.send([
      { topic: kafka.topics.deleted, key: id, value: encodeMessage(PostDeleted, removal) },
    ]);
    await waitFor(() => (deleted.length >= 1 ? true : undefined), { what: "the replacement" });
    await producer.send([record(edit)]);
    await producer.disconnect();
    await waitFor(() => (added.length >= 2 ? true : undefined), { what: "the new version" });
    await client.dispose();
    expect(added).toEqual([
      { tweetAdded: { id, text: "macet di tol", editedAt: null } },
      { tweetAdded: { id, text: "macet parah di tol", editedAt } },
    ]);
    expect(deleted).toEqual([{ tweetDeleted: { id, topic: "jalan", editedAt } }]);
    const page = await graphql(
      web,
      `
        {
          tweets(topic: "jalan", sources: [MASTODON]) {
            edges {
              node {
                id
                text
                editedAt
              }
            }
          }
        }
      `,
    );
    expect(page.data).toEqual({
      tweets: {
        edges: [
          { node: { id, text: "macet parah di tol", editedAt } },
          {
            node: {
              id: "https://mastodon.example/api/v1/statuses/7",
              text: "Stau auf der A1 (macet)",
              editedAt: null,
            },
          },
        ],
      },
    });
  });
});
