// `previewRule` through the real web server, over HTTP and graphql-ws:
// admins only, exact counts and labels against a recount, bad arguments,
// the per-address rate limit, and the subscription's last result being the
// query's answer.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ClassifiedPost,
  createKafkaClient,
  encodeMessage,
  PreprocessedPost,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import { TopicMatcher } from "@tweetream/text";
import type { WebServer } from "../src/index.ts";
import { classifiedPost, preprocessedPost } from "../src/server/hub/hub-fixtures.ts";
import {
  ADMIN_TOKEN,
  codes,
  collect,
  graphql,
  logger,
  newDeployment,
  startWeb,
  wsClient,
} from "./gateway-harness.ts";

const deployment = newDeployment();
const topics = topicNames(deployment.prefix);
const T0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000;
const TEXTS = [
  "Macet parah di Jl. Sudirman",
  "lalin lancar di simpang Lamper",
  "banjir di Kemang, macet total",
  "oke tapi tidak hari ini",
];
const POSTS = 80;
const posts = Array.from({ length: POSTS }, (_, i) => ({
  id: `rp${String(i)}`,
  text: TEXTS[i % TEXTS.length] ?? "",
  timestamp: T0 + i * 1000,
  label: i % 3 === 0 ? ("non_traffic" as const) : ("traffic" as const),
}));
const FROM = new Date(T0).toISOString();
const TO = new Date(T0 + POSTS * 1000).toISOString();

const PREVIEW = `query ($rule: String!, $from: DateTime, $to: DateTime, $first: Int) {
  previewRule(rule: $rule, from: $from, to: $to, first: $first) {
    rule from to scanned total matched complete
    labels { traffic nonTraffic notClassified unknown }
    sample { id text source label topics author { username } }
  }
}`;

interface Preview {
  rule: string;
  from: string;
  to: string;
  scanned: number;
  total: number;
  matched: number;
  complete: boolean;
  labels: { traffic: number; nonTraffic: number; notClassified: number; unknown: number };
  sample: { id: string; text: string; source: string; label: string | null; topics: string[] }[];
}

let web: WebServer;
let limited: WebServer;
let kafka: KafkaClient;

beforeAll(async () => {
  // Partial results after every chunk read, so even this small range sends some.
  web = await startWeb(deployment, { WEB_PREVIEW_PROGRESS_MS: "0" });
  limited = await startWeb(deployment, { GRAPHQL_PREVIEW_RATE_LIMIT: "2" });
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: "rule-preview-test",
    logger,
    topics,
  });
  const created = await graphql(
    web,
    "mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug } }",
    { input: { slug: "jalan", name: "Jalan", rule: "macet OR lalin OR banjir OR tapi" } },
    { token: ADMIN_TOKEN },
  );
  expect(created.errors).toBeUndefined();
  const producer = await kafka.createProducer();
  await producer.send(
    posts.flatMap((p) => {
      const post = preprocessedPost(p.id, "jalan");
      return [
        {
          topic: topics.preprocessed,
          key: p.id,
          timestamp: p.timestamp,
          value: encodeMessage(PreprocessedPost, { ...post, text: p.text }),
        },
        // The last ten were never classified: their label is unknown.
        ...(p.timestamp >= T0 + (POSTS - 10) * 1000
          ? []
          : [
              {
                topic: topics.user("jalan"),
                key: p.id,
                timestamp: p.timestamp + 20,
                value: encodeMessage(ClassifiedPost, {
                  ...classifiedPost(p.id, p.label, "jalan"),
                  text: p.text,
                }),
              },
            ]),
      ];
    }),
  );
  await producer.disconnect();
});

afterAll(async () => {
  await Promise.all([web.stop(), limited.stop()]);
  await kafka.close();
});

function recount(rule: string) {
  const matcher = new TopicMatcher();
  matcher.set("r", rule);
  const hits = posts.filter((p) => matcher.match(p.text, "id").length > 0);
  const known = hits.filter((p) => p.timestamp < T0 + (POSTS - 10) * 1000);
  return {
    matched: hits.length,
    labels: {
      traffic: known.filter((p) => p.label === "traffic").length,
      nonTraffic: known.filter((p) => p.label === "non_traffic").length,
      notClassified: 0,
      unknown: hits.length - known.length,
    },
    newest: hits.slice(-3).reverse(),
  };
}

describe("previewRule over HTTP", () => {
  it("refuses anonymous callers", async () => {
    const response = await graphql(web, PREVIEW, { rule: "macet", from: FROM, to: TO });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(["UNAUTHENTICATED"]);
  });

  it("counts what the rule matches in the range, by label, with the newest as sample", async () => {
    const rule = "macet -sudirman";
    const response = await graphql<{ previewRule: Preview }>(
      web,
      PREVIEW,
      { rule, from: FROM, to: TO, first: 3 },
      { token: ADMIN_TOKEN },
    );
    expect(response.errors).toBeUndefined();
    const preview = response.data?.previewRule;
    const expected = recount(rule);
    expect(expected.matched).toBeGreaterThan(0);
    expect(preview).toMatchObject({
      rule,
      from: FROM,
      to: TO,
      scanned: POSTS,
      total: POSTS,
      matched: expected.matched,
      complete: true,
      labels: expected.labels,
    });
    expect(preview?.sample.map((s) => s.id)).toEqual(expected.newest.map((p) => p.id));
    // The newest are among the unclassified ten.
    expect(preview?.sample[0]).toMatchObject({
      source: "SYNTHETIC",
      label: null,
      topics: ["jalan"],
    });
  });

  it("refuses a bad rule with its position, and a sample over 20", async () => {
    const bad = await graphql(web, PREVIEW, { rule: "macet OR" }, { token: ADMIN_TOKEN });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "rule",
      position: 8,
    });
    const big = await graphql(web, PREVIEW, { rule: "macet", first: 21 }, { token: ADMIN_TOKEN });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });

  it("limits previews per client address", async () => {
    const run = () =>
      graphql(limited, PREVIEW, { rule: "macet", from: FROM, to: TO }, { token: ADMIN_TOKEN });
    expect(codes(await run())).toEqual([]);
    expect(codes(await run())).toEqual([]);
    const third = await run();
    expect(third.status).toBe(429);
    expect(codes(third)).toEqual(["RATE_LIMITED"]);
    expect(third.errors?.[0]?.message).toMatch(/too many rule previews/);
  });
});

describe("previewRule over graphql-ws", () => {
  const SUBSCRIBE = PREVIEW.replace("query", "subscription");

  it("refuses anonymous sockets", async () => {
    const client = wsClient(web);
    const sub = collect(client, SUBSCRIBE, { rule: "macet", from: FROM, to: TO });
    await sub.ended();
    // graphql-ws sends a refused subscription's errors as its one result.
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0]?.data ?? null).toBeNull();
    expect(sub.results[0]?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    await client.dispose();
  });

  it("sends partial figures while it scans, and ends with the query's", async () => {
    const client = wsClient(web, { token: ADMIN_TOKEN });
    const variables = { rule: "lalin OR banjir", from: FROM, to: TO, first: 2 };
    const sub = collect<{ previewRule: Preview }>(client, SUBSCRIBE, variables);
    await sub.ended();
    expect(sub.errors).toEqual([]);
    expect(sub.completed).toBe(true);
    const last = sub.results.at(-1)?.data?.previewRule;
    const query = await graphql<{ previewRule: Preview }>(web, PREVIEW, variables, {
      token: ADMIN_TOKEN,
    });
    expect(last).toEqual(query.data?.previewRule);
    expect(last?.complete).toBe(true);
    expect(last?.matched).toBe(recount("lalin OR banjir").matched);
    // Partial results came first, each scanning more of the range, none complete.
    const partial = sub.results.slice(0, -1).map((r) => r.data?.previewRule);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.every((p) => p?.complete === false && p.total === last?.total)).toBe(true);
    const scanned = partial.map((p) => p?.scanned ?? -1);
    expect(scanned.every((n, i) => n > 0 && n <= POSTS && n >= (scanned[i - 1] ?? 0))).toBe(true);
    await client.dispose();
  });
});

// Last: it trims the preprocessed topic as retention would.
describe("previewRule over an expired range", () => {
  it("is HISTORY_EXPIRED with the oldest moment kept", async () => {
    await kafka.deleteRecords(topics.preprocessed, [{ partition: 0, offset: "1" }]);
    const response = await graphql(
      web,
      PREVIEW,
      { rule: "macet", from: FROM },
      { token: ADMIN_TOKEN },
    );
    expect(codes(response)).toEqual(["HISTORY_EXPIRED"]);
    const oldest = Date.parse(String(response.errors?.[0]?.extensions?.oldestAvailable));
    expect(oldest).toBeGreaterThan(T0);
    expect(oldest).toBeLessThan(T0 + POSTS * 1000);
  });
});
