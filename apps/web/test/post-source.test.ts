// A post's source and link through the real web server: a Bluesky post written
// to its topic's Kafka log comes out of `tweets` and `tweetAdded` with
// `source: BLUESKY`, its bsky.app link, its DID and an empty handle; a
// synthetic one with `url: null`.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  createKafkaClient,
  encodeMessage,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";
import type { WebServer } from "../src/index.ts";
import { classifiedPost } from "../src/server/hub/hub-fixtures.ts";
import {
  ADMIN_TOKEN,
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
  const created = await graphql(
    web,
    "mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug } }",
    { input: { slug: "jalan", name: "Jalan", rule: "macet" } },
    { token: ADMIN_TOKEN },
  );
  expect(created.errors).toBeUndefined();
});

afterAll(async () => {
  await kafka.close();
  await web.stop();
});

describe("a post's source and link", () => {
  it("reach subscribers and the tweets query", async () => {
    const live: unknown[] = [];
    const client = wsClient(web);
    client.subscribe(
      { query: `subscription { tweetAdded(topic: "jalan") { ${FIELDS} } }` },
      {
        next: (result) => live.push(result.data?.tweetAdded),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await waitFor(() => (web.stats().hubSubscribers >= 1 ? true : undefined), {
      what: "the subscriber",
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

    const page = await graphql(web, `{ tweets(topic: "jalan") { edges { node { ${FIELDS} } } } }`);
    expect(page.errors).toBeUndefined();
    const nodes = (page.data as { tweets: { edges: { node: unknown }[] } }).tweets.edges.map(
      (edge) => edge.node,
    );
    expect(nodes).toEqual(expect.arrayContaining(expected));
  });
});
