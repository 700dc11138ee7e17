// The gateway's guards on a real server: admin auth on HTTP and WebSocket,
// error codes, query limits (depth, aliases, tokens, fragment cycles, cost
// with list sizes), request-size and batching refusals, per-connection and
// per-address caps, the query and failed-authentication limits,
// and production hardening. Limits are lowered here so they are cheap to hit.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { waitFor } from "@tweetream/shared/testing";
import type { WebServer } from "../src/index.ts";
import { TOO_MANY_CONNECTIONS_CLOSE_CODE } from "../src/server/graphql/index.ts";
import {
  ADMIN_TOKEN,
  closeCodeOf,
  codes,
  collect,
  graphql,
  healthy,
  newDeployment,
  startWeb,
  wsClient,
  type GraphQLResponse,
} from "./gateway-harness.ts";

const deployment = newDeployment();
let web: WebServer;
const url = () => `http://127.0.0.1:${web.port}/graphql`;
const CREATE = `mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug status } }`;

async function post(body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url(), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLResponse };
}

beforeAll(async () => {
  web = await startWeb(deployment, {
    GRAPHQL_MAX_DEPTH: "4",
    GRAPHQL_MAX_ALIASES: "5",
    GRAPHQL_MAX_TOKENS: "200",
    GRAPHQL_MAX_BODY_BYTES: "4000",
    GRAPHQL_WS_MAX_SUBSCRIPTIONS: "3",
    GRAPHQL_WS_MAX_CONNECTIONS_PER_IP: "4",
    GRAPHQL_WS_INIT_TIMEOUT_MS: "500",
  });
});

afterEach(async () => {
  expect(await healthy(web)).toBe(true);
});

afterAll(async () => {
  await web.stop();
});

describe("admin authentication", () => {
  const input = { slug: "banjir", name: "Banjir", rule: "banjir -hoax" };

  it("refuses mutations without a token (UNAUTHENTICATED, 401)", async () => {
    const response = await graphql(web, CREATE, { input });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(["UNAUTHENTICATED"]);
    const malformed = await graphql(web, CREATE, { input }, { authorization: "Basic YWRtaW4=" });
    expect(malformed.status).toBe(401);
    expect(codes(malformed)).toEqual(["UNAUTHENTICATED"]);
  });

  it("refuses a wrong token (FORBIDDEN, 403), even on a public query", async () => {
    const response = await graphql(web, CREATE, { input }, { token: "not-the-admin-token-at-all" });
    expect(response.status).toBe(403);
    expect(codes(response)).toEqual(["FORBIDDEN"]);
    const query = await graphql(
      web,
      `
        {
          topics {
            slug
          }
        }
      `,
      {},
      { token: "wrong-token-wrong-token" },
    );
    expect(codes(query)).toEqual(["FORBIDDEN"]);
    expect(JSON.stringify(query)).not.toContain(ADMIN_TOKEN);
  });

  it("lets the admin create a topic, and maps TopicAdmin refusals to codes", async () => {
    const created = await graphql(web, CREATE, { input }, { token: ADMIN_TOKEN });
    expect(created.errors).toBeUndefined();
    expect(created.data).toEqual({ createTopic: { slug: "banjir", status: "ACTIVE" } });

    const again = await graphql(web, CREATE, { input }, { token: ADMIN_TOKEN });
    expect(codes(again)).toEqual(["CONFLICT"]);
    const badRule = await graphql(
      web,
      CREATE,
      { input: { slug: "rusak", name: "Rusak", rule: "banjir OR (" } },
      { token: ADMIN_TOKEN },
    );
    expect(codes(badRule)).toEqual(["BAD_USER_INPUT"]);
    expect(badRule.errors?.[0]?.extensions).toMatchObject({ field: "rule" });
    expect(typeof badRule.errors?.[0]?.extensions?.position).toBe("number");
    const missing = await graphql(
      web,
      `
        mutation {
          updateTopic(slug: "tidak-ada", input: { name: "x" }) {
            slug
          }
        }
      `,
      {},
      { token: ADMIN_TOKEN },
    );
    expect(codes(missing)).toEqual(["NOT_FOUND"]);
  });

  it("closes a WebSocket with a wrong token with 4403 and accepts anonymous and admin ones", async () => {
    expect((await closeCodeOf(web, { authorization: "Bearer wrong-token-wrong-token" })).code).toBe(
      4403,
    );
    expect((await closeCodeOf(web, { token: "wrong-token-wrong-token" })).code).toBe(4403);
    expect((await closeCodeOf(web, {})).acknowledged).toBe(true);
    expect((await closeCodeOf(web, { token: ADMIN_TOKEN })).acknowledged).toBe(true);
  });

  it("closes a WebSocket that never sends connection_init with 4408", async () => {
    expect((await closeCodeOf(web, undefined)).code).toBe(4408);
  });

  it("runs mutations over WebSocket only for the admin", async () => {
    const anonymous = wsClient(web);
    const admin = wsClient(web, { authorization: `Bearer ${ADMIN_TOKEN}` });
    try {
      const refused = collect(anonymous, `mutation { deleteTopic(slug: "banjir") { slug } }`);
      await refused.ended();
      expect(refused.results[0]?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      const validated = collect(
        admin,
        `{ validateRule(rule: "macet OR") { ok position message } }`,
      );
      await validated.ended();
      expect(validated.results[0]?.data).toMatchObject({
        validateRule: { ok: false, position: 8 },
      });
    } finally {
      await anonymous.dispose();
      await admin.dispose();
    }
  });
});

describe("argument checks", () => {
  it("answers BAD_USER_INPUT naming the field, and NOT_FOUND for unknown topics", async () => {
    const tooMany = await graphql(
      web,
      `
        {
          tweets(topic: "banjir", first: 101) {
            edges {
              cursor
            }
          }
        }
      `,
    );
    expect(codes(tooMany)).toEqual(["BAD_USER_INPUT"]);
    expect(tooMany.errors?.[0]?.extensions?.field).toBe("first");
    const cursor = await graphql(
      web,
      `
        {
          tweets(topic: "banjir", after: "nope") {
            edges {
              cursor
            }
          }
        }
      `,
    );
    expect(cursor.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "after",
    });
    const window = await graphql(
      web,
      `
        {
          topicStats(topic: "banjir", window: 1441) {
            window
          }
        }
      `,
    );
    expect(window.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "window",
    });
    const unknown = await graphql(
      web,
      `
        {
          topicStats(topic: "tidak-ada") {
            window
          }
        }
      `,
    );
    expect(codes(unknown)).toEqual(["NOT_FOUND"]);
    const empty = await graphql(
      web,
      `
        {
          tweets(topic: "banjir") {
            edges {
              cursor
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      `,
    );
    expect(empty.data).toEqual({
      tweets: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
    });
    expect(
      (
        await graphql(
          web,
          `
            {
              topic(slug: "tidak-ada") {
                slug
              }
            }
          `,
        )
      ).data,
    ).toEqual({
      topic: null,
    });
  });
});

describe("GET requests", () => {
  it("serves queries over GET with a CSRF preflight header, and never mutations", async () => {
    const query = encodeURIComponent("{ topics { slug } }");
    const allowed = await fetch(`${url()}?query=${query}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ data: { topics: [{ slug: "banjir" }] } });
    const csrf = await fetch(`${url()}?query=${query}`);
    expect(csrf.status).toBe(400);
    const mutation = encodeURIComponent(`mutation { deleteTopic(slug: "banjir") { slug } }`);
    const refused = await fetch(`${url()}?query=${mutation}`, {
      headers: { "apollo-require-preflight": "true", authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(refused.status).toBe(405);
  });
});

describe("query limits", () => {
  it("refuses a query deeper than GRAPHQL_MAX_DEPTH", async () => {
    const deep = await graphql(
      web,
      `
        {
          tweets(topic: "banjir") {
            edges {
              node {
                author {
                  id
                }
              }
            }
          }
        }
      `,
    );
    expect(deep.status).toBe(400);
    expect(codes(deep)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
  });

  it("refuses an alias flood", async () => {
    const aliases = Array.from({ length: 6 }, (_, i) => `a${i}: validateRule(rule: "x") { ok }`);
    const flood = await graphql(web, `{ ${aliases.join(" ")} }`);
    expect(codes(flood)).toContain("GRAPHQL_VALIDATION_FAILED");
    expect(flood.errors?.[0]?.message).toMatch(/alias/i);
  });

  it("refuses fragment cycles and too many tokens", async () => {
    const cycle = await graphql(
      web,
      `
        query {
          ...A
        }
        fragment A on Query {
          ...B
        }
        fragment B on Query {
          ...A
        }
      `,
    );
    expect(cycle.status).toBe(400);
    expect(codes(cycle)).toContain("GRAPHQL_VALIDATION_FAILED");
    const tokens = await graphql(web, `{ ${"__typename ".repeat(250)} }`);
    expect(tokens.status).toBe(400);
    expect(codes(tokens)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    expect(tokens.errors?.[0]?.message).toMatch(/token/i);
  });

  it("refuses batched HTTP requests", async () => {
    const batch = await post(
      JSON.stringify([{ query: "{ topics { slug } }" }, { query: "{ topics { slug } }" }]),
    );
    expect(batch.status).toBe(400);
    expect(JSON.stringify(batch.body)).toMatch(/batch/i);
  });

  it("refuses a body over the limit with 413, and invalid JSON or UTF-8 with 400", async () => {
    const big = JSON.stringify({
      query: `{ topics { slug } }`,
      variables: { pad: "x".repeat(5000) },
    });
    const tooBig = await post(big);
    expect(tooBig.status).toBe(413);
    expect(codes(tooBig.body)).toEqual(["BAD_REQUEST"]);
    const json = await post(`{"query": "{ topics { slug } }"`);
    expect(json.status).toBe(400);
    expect(codes(json.body)).toEqual(["BAD_REQUEST"]);
    const utf8 = await post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(utf8.status).toBe(400);
    expect(utf8.body.errors?.[0]?.message).toMatch(/UTF-8/);
  });

  it("applies the same limits to WebSocket operations", async () => {
    const client = wsClient(web);
    try {
      const deep = collect(
        client,
        `{ tweets(topic: "banjir") { edges { node { author { id } } } } }`,
      );
      await deep.ended();
      expect(JSON.stringify(deep.errors)).toMatch(/depth/i);
      expect(JSON.stringify(deep.errors)).toContain("GRAPHQL_VALIDATION_FAILED");
      const aliases = Array.from({ length: 6 }, (_, i) => `a${i}: topicsChanged { kind }`);
      const flood = collect(client, `subscription { ${aliases.join(" ")} }`);
      await flood.ended();
      expect(JSON.stringify(flood.errors)).toMatch(/alias/i);
      const tokens = collect(client, `{ ${"__typename ".repeat(250)} }`);
      await tokens.ended();
      expect(JSON.stringify(tokens.errors)).toMatch(/token/i);
    } finally {
      await client.dispose();
    }
  });

  it("gives the subscription over GRAPHQL_WS_MAX_SUBSCRIPTIONS a LIMIT_EXCEEDED error", async () => {
    const client = wsClient(web);
    try {
      const open = [1, 2, 3].map(() => collect(client, `subscription { topicsChanged { kind } }`));
      await waitFor(() => (web.stats().topicsChangedListeners >= 3 ? true : undefined), {
        what: "three subscriptions",
      });
      const extra = collect(client, `subscription { topicsChanged { kind } }`);
      await extra.ended();
      expect(JSON.stringify(extra.errors)).toContain("LIMIT_EXCEEDED");
      // The connection and its other subscriptions live on.
      expect(open.every((s) => !s.completed && s.errors.length === 0)).toBe(true);
      for (const s of open) s.stop();
      await waitFor(() => (web.stats().topicsChangedListeners === 0 ? true : undefined), {
        what: "the listeners to be released",
      });
    } finally {
      await client.dispose();
    }
  });

  it("releases a dropped socket's subscriptions", async () => {
    const raw = new WebSocket(`ws://127.0.0.1:${web.port}/graphql`, "graphql-transport-ws");
    raw.on("open", () => {
      raw.send(JSON.stringify({ type: "connection_init" }));
    });
    raw.on("message", (data: Buffer) => {
      if ((JSON.parse(data.toString("utf8")) as { type: string }).type !== "connection_ack") return;
      for (const id of ["1", "2"]) {
        raw.send(
          JSON.stringify({
            id,
            type: "subscribe",
            payload: { query: "subscription { topicsChanged { kind } }" },
          }),
        );
      }
    });
    await waitFor(() => (web.stats().topicsChangedListeners === 2 ? true : undefined), {
      what: "two subscriptions",
    });
    raw.terminate();
    await waitFor(
      () =>
        web.stats().topicsChangedListeners === 0 && web.stats().webSockets === 0 ? true : undefined,
      { what: "the dropped socket's subscriptions to be released" },
    );
  });

  it(`closes WebSockets over GRAPHQL_WS_MAX_CONNECTIONS_PER_IP with ${TOO_MANY_CONNECTIONS_CLOSE_CODE}`, async () => {
    const clients = [1, 2, 3, 4].map(() => wsClient(web));
    try {
      const subs = clients.map((c) => collect(c, `subscription { topicsChanged { kind } }`));
      await waitFor(() => (web.stats().webSockets >= 4 ? true : undefined), { what: "4 sockets" });
      const refused = await closeCodeOf(web, {});
      expect(refused.code).toBe(TOO_MANY_CONNECTIONS_CLOSE_CODE);
      for (const s of subs) s.stop();
    } finally {
      await Promise.all(
        clients.map(async (c) => {
          await c.dispose();
        }),
      );
    }
    await waitFor(() => (web.stats().webSockets === 0 ? true : undefined), {
      what: "the sockets to close",
    });
    expect((await closeCodeOf(web, {})).acknowledged).toBe(true);
  });
});

describe("query cost", () => {
  // The default limits (GRAPHQL_MAX_COST 20,000, GRAPHQL_MAX_ALIASES 15).
  let priced: WebServer;
  const POST_FIELDS = "id text label score createdAt ingestedAt source url author { id username }";
  const page = (first: number | string) =>
    `tweets(topic: "banjir", first: ${String(first)}) { edges { cursor node { ${POST_FIELDS} } } }`;

  beforeAll(async () => {
    priced = await startWeb(deployment);
  });

  afterAll(async () => {
    await priced.stop();
  });

  it("counts list sizes: 15 aliases of tweets(first: 100) are priced as 1,500 posts, HTTP and WebSocket alike", async () => {
    const aliases = (first: number) =>
      `{ ${Array.from({ length: 15 }, (_, i) => `a${String(i)}: ${page(first)}`).join(" ")} }`;
    const flood = await graphql(priced, aliases(100));
    expect(flood.status).toBe(400);
    expect(codes(flood)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(flood.errors?.[0]?.message).toMatch(
      /^the operation costs \d+, above the limit of 20000/,
    );
    expect(flood.errors?.[0]?.extensions?.cost).toBeGreaterThan(15 * 100 * 10);
    // The same shape with small pages fits (and runs: the topic does not exist).
    expect(codes(await graphql(priced, aliases(5)))).not.toContain("GRAPHQL_VALIDATION_FAILED");
    // `first` given as a variable is priced by its value.
    const query = `query ($n: Int!) { ${Array.from({ length: 15 }, (_, i) => `a${String(i)}: ${page("$n")}`).join(" ")} }`;
    expect(codes(await graphql(priced, query, { n: 100 }))).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(codes(await graphql(priced, query, { n: 5 }))).not.toContain(
      "GRAPHQL_VALIDATION_FAILED",
    );

    const client = wsClient(priced);
    try {
      const live = collect(
        client,
        `{ ${Array.from({ length: 3 }, (_, i) => `s${String(i)}: topicStats(topic: "banjir", window: 1440) { buckets { minute traffic nonTraffic notClassified total } }`).join(" ")} }`,
      );
      await live.ended();
      expect(JSON.stringify(live.errors)).toContain("GRAPHQL_VALIDATION_FAILED");
      expect(JSON.stringify(live.errors)).toMatch(/the operation costs \d+, above the limit/);
    } finally {
      await client.dispose();
    }
  });
});

describe("queries and subscriptions per client address", () => {
  let limited: WebServer;

  beforeAll(async () => {
    limited = await startWeb(deployment, { GRAPHQL_OPERATION_RATE_LIMIT: "3" });
  });

  afterAll(async () => {
    await limited.stop();
  });

  it("allows GRAPHQL_OPERATION_RATE_LIMIT a minute, HTTP and WebSocket together, then answers RATE_LIMITED", async () => {
    const TOPICS = "{ topics { slug } }";
    expect(codes(await graphql(limited, TOPICS))).toEqual([]);
    expect(codes(await graphql(limited, TOPICS))).toEqual([]);
    const client = wsClient(limited);
    try {
      const third = collect(client, "subscription { topicsChanged { kind } }");
      const fourth = collect(client, "subscription { topicsChanged { kind } }");
      await fourth.ended();
      expect(JSON.stringify(fourth.errors)).toContain("RATE_LIMITED");
      expect(third.errors).toEqual([]);
      third.stop();
    } finally {
      await client.dispose();
    }
    const response = await fetch(`http://127.0.0.1:${limited.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: TOPICS }),
    });
    const body = (await response.json()) as GraphQLResponse;
    expect(response.status).toBe(429);
    expect(codes(body)).toEqual(["RATE_LIMITED"]);
    expect(body.errors?.[0]?.message).toMatch(/too many queries and subscriptions/);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Mutations have a budget of their own.
    const created = await graphql(
      limited,
      CREATE,
      { input: { slug: "rate-ok", name: "Rate", rule: "macet" } },
      { token: ADMIN_TOKEN },
    );
    expect(codes(created)).toEqual([]);
  });
});

describe("failed admin authentication", () => {
  let limited: WebServer;

  beforeAll(async () => {
    limited = await startWeb(deployment, { GRAPHQL_AUTH_FAILURE_LIMIT: "3" });
  });

  afterAll(async () => {
    await limited.stop();
  });

  it("refuses an address's credentials for a while after too many wrong tokens, HTTP and WebSocket alike", async () => {
    const TOPICS = "{ topics { slug } }";
    const wrong = await graphql(limited, TOPICS, {}, { token: "wrong-token-wrong-token" });
    expect([wrong.status, ...codes(wrong)]).toEqual([403, "FORBIDDEN"]);
    expect(
      (await closeCodeOf(limited, { authorization: "Bearer wrong-token-wrong-token" })).code,
    ).toBe(4403);
    const malformed = await graphql(limited, TOPICS, {}, { authorization: "Basic abc" });
    expect(codes(malformed)).toEqual(["UNAUTHENTICATED"]);

    // Three failures: now even the right token is refused, and says when to retry.
    const response = await fetch(`http://127.0.0.1:${limited.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query: TOPICS }),
    });
    const body = (await response.json()) as GraphQLResponse;
    expect(response.status).toBe(429);
    expect(codes(body)).toEqual(["RATE_LIMITED"]);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(500);
    const refused = await closeCodeOf(limited, { token: ADMIN_TOKEN });
    expect(refused.code).toBe(4429);
    expect(refused.reason).toMatch(/too many failed admin authentications/);

    // Reading without credentials goes on.
    expect(codes(await graphql(limited, TOPICS))).toEqual([]);
    expect((await closeCodeOf(limited, {})).acknowledged).toBe(true);
  });
});

describe("production mode", () => {
  let production: WebServer;

  beforeAll(async () => {
    production = await startWeb(deployment, { NODE_ENV: "production" });
  });

  afterAll(async () => {
    await production.stop();
  });

  it("turns introspection and field suggestions off", async () => {
    const introspection = await graphql(
      production,
      `
        {
          __schema {
            types {
              name
            }
          }
        }
      `,
    );
    expect(introspection.status).toBe(400);
    expect(codes(introspection)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const typo = await graphql(
      production,
      `
        {
          topicz {
            slug
          }
        }
      `,
    );
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const dev = await graphql(
      web,
      `
        {
          topicz {
            slug
          }
        }
      `,
    );
    expect(dev.errors?.[0]?.message).toMatch(/Did you mean .*"topics"/);
    expect(await healthy(production)).toBe(true);
  });
});

describe("shutdown", () => {
  it("closes WebSockets with 1001, then stops serving", async () => {
    const server = await startWeb(deployment);
    const client = wsClient(server);
    const sub = collect(client, `subscription { topicsChanged { kind } }`);
    const raw = new WebSocket(`ws://127.0.0.1:${server.port}/graphql`, "graphql-transport-ws");
    const rawClosed = new Promise<number>((resolve) => {
      raw.on("close", (code) => {
        resolve(code);
      });
    });
    raw.on("open", () => {
      raw.send(JSON.stringify({ type: "connection_init" }));
    });
    await waitFor(
      () =>
        server.stats().webSockets >= 2 && server.stats().topicsChangedListeners >= 1
          ? true
          : undefined,
      { what: "both sockets and the subscription" },
    );
    await server.stop();
    expect(await rawClosed).toBe(1001);
    await sub.ended();
    expect(server.stats().topicsChangedListeners).toBe(0);
    await expect(fetch(`http://127.0.0.1:${server.healthPort}/healthz`)).rejects.toThrow();
    await client.dispose();
  });
});
