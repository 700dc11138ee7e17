// The web server's HTTP hardening on a real server: security headers, the
// dashboard's CSP with its per-request nonce (on the production build, which
// is built first if missing or stale), CORS on /graphql, the mutation rate limit (HTTP and
// WebSocket share it), request ids in responses and logs, and that the admin
// token never reaches the logs, even at debug level.
import { get } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "graphql-ws";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { ensureDashboardBuild } from "../e2e/ensure-build.ts";
import { loadWebEnv, startWebServer, type WebServer } from "../src/index.ts";
import {
  ADMIN_TOKEN,
  closeCodeOf,
  codes,
  collect,
  newDeployment,
  startWeb,
  wsUrl,
  type GraphQLResponse,
} from "./gateway-harness.ts";

const ALLOWED_ORIGIN = "https://ops.example.com";
const WRONG_TOKEN = "wrong-token-wrong-token-0123456789";
const RATE_LIMIT = 3;

/** Every line the server logged, parsed. */
const logLines: string[] = [];
const logs = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

const deployment = newDeployment();
let web: WebServer;
const base = () => `http://127.0.0.1:${web.port}`;

beforeAll(async () => {
  const logger = pino(
    { name: "web", level: "debug" },
    {
      write: (line: string) => {
        logLines.push(line);
      },
    },
  );
  web = await startWebServer({
    env: loadWebEnv({
      NODE_ENV: "test",
      KAFKA_BROKERS: inject("kafkaBrokers"),
      KAFKA_TOPIC_PREFIX: deployment.prefix,
      KAFKA_TOPIC_PARTITIONS: "1",
      DATABASE_URL: deployment.databaseUrl,
      PORT: "0",
      WEB_HEALTH_PORT: "0",
      ADMIN_TOKEN,
      WEB_DASHBOARD: "off",
      LOG_LEVEL: "debug",
      GRAPHQL_CORS_ORIGINS: ALLOWED_ORIGIN,
      GRAPHQL_MUTATION_RATE_LIMIT: String(RATE_LIMIT),
      // Lets each test act as its own client address.
      GRAPHQL_CLIENT_IP_HEADER: "x-real-ip",
    }),
    logger,
  });
});

afterAll(async () => {
  await web.stop();
});

/** POSTs a GraphQL operation from `address`, returning the raw response and its body. */
async function post(
  query: string,
  options: {
    address?: string;
    token?: string;
    variables?: Record<string, unknown>;
    headers?: Record<string, string>;
  } = {},
) {
  const response = await fetch(`${base()}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-real-ip": options.address ?? "192.0.2.1",
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  return { response, body: (await response.json()) as GraphQLResponse };
}

/** A graphql-ws client whose upgrade request says it comes from `address`. */
function wsFrom(address: string, connectionParams?: Record<string, unknown>): Client {
  class FromAddress extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { "x-real-ip": address } });
    }
  }
  return createClient({
    url: wsUrl(web),
    webSocketImpl: FromAddress,
    retryAttempts: 0,
    lazy: true,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

const createTopic = (slug: string) =>
  `mutation { createTopic(input: { slug: "${slug}", name: "${slug}", rule: "macet" }) { slug } }`;

/** A CSP header's directives, by name. */
function directivesOf(csp: string | null | undefined): Map<string, string[]> {
  return new Map(
    (csp ?? "").split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
}

/** The nonce a `script-src` allows, if any. */
const nonceOf = (sources: readonly string[] = []) =>
  sources.map((source) => /^'nonce-([A-Za-z0-9+/]+={0,2})'$/.exec(source)?.[1]).find(Boolean);

/** GETs `path` from `port` with this Host header (which fetch would not send). */
function getWithHost(port: number, host: string, route = "/") {
  return new Promise<{ status: number; csp: string }>((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: route, headers: { host } }, (response) => {
      response.resume();
      response.on("end", () => {
        const csp = response.headers["content-security-policy"];
        resolve({ status: response.statusCode ?? 0, csp: typeof csp === "string" ? csp : "" });
      });
    }).on("error", reject);
  });
}

describe("the dashboard's Content-Security-Policy", () => {
  const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  let dashboard: WebServer;
  const origin = () => `http://127.0.0.1:${dashboard.port}`;

  beforeAll(async () => {
    ensureDashboardBuild(webDir, process.env);
    dashboard = await startWeb(newDeployment(), { NODE_ENV: "production", WEB_DASHBOARD: "on" });
  }, 300_000);

  afterAll(async () => {
    await dashboard.stop();
  });

  it("allows scripts by a fresh nonce per page, never 'unsafe-inline'", async () => {
    const pages = [await fetch(`${origin()}/`), await fetch(`${origin()}/`)];
    const nonces = pages.map((page) => {
      expect(page.status).toBe(200);
      const directives = directivesOf(page.headers.get("content-security-policy"));
      expect(directives.get("default-src")).toEqual(["'self'"]);
      const script = directives.get("script-src") ?? [];
      expect(script).toEqual(expect.arrayContaining(["'self'", "'strict-dynamic'"]));
      expect(script).not.toContain("'unsafe-inline'");
      expect(script).not.toContain("'unsafe-eval'");
      expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
      expect(directives.get("object-src")).toEqual(["'none'"]);
      return nonceOf(script);
    });
    expect(nonces[0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonces[1]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonces[0]).not.toBe(nonces[1]);

    const page = pages[0];
    expect(page?.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page?.headers.get("x-frame-options")).toBe("DENY");
    expect(page?.headers.get("referrer-policy")).toBe("same-origin");
    expect(page?.headers.get("x-powered-by")).toBeNull();
    // TLS and HSTS belong to the proxy in front.
    expect(page?.headers.get("strict-transport-security")).toBeNull();
  });

  it("puts that nonce on every script of the page, inline ones included", async () => {
    for (const route of ["/", "/admin"]) {
      // A client cannot choose the nonce by sending a policy of its own.
      const page = await fetch(`${origin()}${route}`, {
        headers: { "content-security-policy": "script-src 'nonce-chosenbytheclient'" },
      });
      expect(page.status).toBe(200);
      const nonce = nonceOf(
        directivesOf(page.headers.get("content-security-policy")).get("script-src"),
      );
      expect(nonce).toBeDefined();
      const scripts = (await page.text()).match(/<script\b[^>]*>/g) ?? [];
      const inline = scripts.filter((tag) => !/\ssrc=/.test(tag));
      expect(inline.length, `inline scripts on ${route}`).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(` nonce="${String(nonce)}"`);
    }
  });

  it("lets the page connect to the host it was requested from, and no other", async () => {
    const page = await fetch(`${origin()}/`);
    const host = `127.0.0.1:${dashboard.port}`;
    expect(directivesOf(page.headers.get("content-security-policy")).get("connect-src")).toEqual([
      "'self'",
      `ws://${host}`,
      `wss://${host}`,
    ]);
    const named = await getWithHost(dashboard.port, "Dash.Example.com:8080");
    expect(directivesOf(named.csp).get("connect-src")).toEqual([
      "'self'",
      "ws://dash.example.com:8080",
      "wss://dash.example.com:8080",
    ]);
    // A Host header that would add sources or directives is left out.
    const hostile = await getWithHost(dashboard.port, "evil.example;script-src * 'unsafe-inline'");
    const directives = directivesOf(hostile.csp);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("script-src")).not.toContain("'unsafe-inline'");
    expect(hostile.csp).not.toContain("evil.example");
  });
});

describe("security headers", () => {
  it("gives /graphql the same hardening without a CSP", async () => {
    const { response } = await post("{ __typename }");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(response.headers.get("content-security-policy")).toBeNull();
  });
});

describe("CORS on /graphql", () => {
  const preflight = (origin: string) =>
    fetch(`${base()}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,authorization",
      },
    });

  it("answers the preflight of an allowed origin", async () => {
    const response = await preflight(ALLOWED_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("gives another origin no Access-Control-Allow-Origin, on the preflight and the request", async () => {
    const response = await preflight("https://evil.example");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const request = await post("{ __typename }", { headers: { origin: "https://evil.example" } });
    expect(request.response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets an allowed origin read the response and its request id", async () => {
    const { response, body } = await post("{ __typename }", {
      headers: { origin: ALLOWED_ORIGIN },
    });
    expect(body.data).toEqual({ __typename: "Query" });
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get("access-control-expose-headers")).toContain("x-request-id");
    expect(response.headers.get("vary")).toMatch(/origin/i);
  });
});

describe("mutation rate limit", () => {
  it("refuses the mutation over the limit with RATE_LIMITED on HTTP and WebSocket alike", async () => {
    const address = "198.51.100.7";
    // Refused anonymous mutations cost nothing.
    const anonymous = await post(createTopic("rl-anon"), { address });
    expect(codes(anonymous.body)).toEqual(["UNAUTHENTICATED"]);
    for (let i = 0; i < RATE_LIMIT; i++) {
      const allowed = await post(createTopic(`rl-${i}`), { address, token: ADMIN_TOKEN });
      expect(allowed.body.errors).toBeUndefined();
    }

    const limited = await post(createTopic("rl-over"), { address, token: ADMIN_TOKEN });
    expect(limited.response.status).toBe(429);
    expect(codes(limited.body)).toEqual(["RATE_LIMITED"]);
    const retryAfter = limited.body.errors?.[0]?.extensions?.retryAfterSeconds;
    expect(typeof retryAfter).toBe("number");
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.response.headers.get("retry-after")).toBe(String(retryAfter));
    expect(limited.body.errors?.[0]?.extensions).not.toHaveProperty("http");

    // The WebSocket from the same address shares the budget; queries are not limited.
    const client = wsFrom(address, { authorization: `Bearer ${ADMIN_TOKEN}` });
    try {
      const ws = collect(client, createTopic("rl-ws"));
      await ws.ended();
      const error = ws.results[0]?.errors?.[0];
      expect(error?.extensions).toMatchObject({ code: "RATE_LIMITED" });
      expect(error?.extensions).not.toHaveProperty("http");
      expect(typeof error?.extensions?.retryAfterSeconds).toBe("number");
      const query = collect(client, "{ topics { slug } }");
      await query.ended();
      expect(query.results[0]?.errors).toBeUndefined();
    } finally {
      await client.dispose();
    }

    // Another address has its own budget.
    const other = await post(createTopic("rl-other"), {
      address: "198.51.100.8",
      token: ADMIN_TOKEN,
    });
    expect(other.body.errors).toBeUndefined();
  });
});

describe("request ids", () => {
  it("echoes a well-formed x-request-id and replaces others with a UUID", async () => {
    const given = await post("{ __typename }", { headers: { "x-request-id": "client-id.42" } });
    expect(given.response.headers.get("x-request-id")).toBe("client-id.42");
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const none = await post("{ __typename }");
    expect(none.response.headers.get("x-request-id")).toMatch(UUID);
    const bad = await post("{ __typename }", { headers: { "x-request-id": "a b<script>" } });
    expect(bad.response.headers.get("x-request-id")).toMatch(UUID);
    const long = await post("{ __typename }", { headers: { "x-request-id": "x".repeat(129) } });
    expect(long.response.headers.get("x-request-id")).toMatch(UUID);
    const page = await fetch(`${base()}/nope`, { headers: { "x-request-id": "probe-1" } });
    expect(page.headers.get("x-request-id")).toBe("probe-1");
  });

  it("logs a GraphQL error with the id of its request", async () => {
    const requestId = `not-found-${String(Date.now())}`;
    const { body } = await post(`{ topicStats(topic: "not-there") { window } }`, {
      headers: { "x-request-id": requestId },
    });
    expect(codes(body)).toEqual(["NOT_FOUND"]);
    await expect
      .poll(() => logs().filter((line) => line.requestId === requestId), { timeout: 10_000 })
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            msg: "GraphQL error returned",
            code: "NOT_FOUND",
            path: ["topicStats"],
          }),
          expect.objectContaining({ msg: "request completed", res: { statusCode: 200 } }),
        ]),
      );
  });

  it("logs a refused request with its id", async () => {
    const requestId = `bad-json-${String(Date.now())}`;
    const response = await fetch(`${base()}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": requestId },
      body: `{"query": "{ topics { slug } }"`,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-request-id")).toBe(requestId);
    await expect
      .poll(() => logs().filter((line) => line.requestId === requestId), { timeout: 10_000 })
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({ msg: "GraphQL request body refused" }),
          expect.objectContaining({
            msg: "request completed",
            res: { statusCode: 400 },
            req: { method: "POST", path: "/graphql" },
          }),
        ]),
      );
  });
});

describe("the admin token in logs", () => {
  it("never appears, whatever succeeds or fails over HTTP and WebSocket", async () => {
    const address = "203.0.113.9";
    const created = await post(createTopic("secret-test"), { address, token: ADMIN_TOKEN });
    expect(created.body.errors).toBeUndefined();
    const wrong = await post("{ topics { slug } }", { address, token: WRONG_TOKEN });
    expect(codes(wrong.body)).toEqual(["FORBIDDEN"]);
    const malformed = await post("{ topics { slug } }", {
      address,
      headers: { authorization: `Token ${ADMIN_TOKEN}` },
    });
    expect(codes(malformed.body)).toEqual(["UNAUTHENTICATED"]);
    const get = await fetch(
      `${base()}/graphql?query=${encodeURIComponent("{ topics { slug } }")}`,
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "apollo-require-preflight": "1" } },
    );
    expect(get.status).toBe(200);

    const admin = wsFrom(address, { authorization: `Bearer ${ADMIN_TOKEN}` });
    try {
      const deleted = collect(admin, `mutation { deleteTopic(slug: "secret-test") { slug } }`);
      await deleted.ended();
      expect(deleted.results[0]?.errors).toBeUndefined();
      const failing = collect(admin, `mutation { deleteTopic(slug: "not-there") { slug } }`);
      await failing.ended();
      expect(failing.results[0]?.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    } finally {
      await admin.dispose();
    }
    expect((await closeCodeOf(web, { token: WRONG_TOKEN })).code).toBe(4403);
    expect((await closeCodeOf(web, { authorization: ADMIN_TOKEN })).code).toBe(4403);
    expect((await closeCodeOf(web, { token: ADMIN_TOKEN })).acknowledged).toBe(true);

    // The capture works and is at debug level: each request and refusal is there.
    await expect
      .poll(
        () =>
          logs().filter((line) => line.msg === "request completed" && line.res !== undefined)
            .length,
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(4);
    expect(logs().some((line) => line.level === 20)).toBe(true);
    const refusals = logs().filter((line) => String(line.msg).startsWith("WebSocket refused"));
    expect(refusals).toHaveLength(2);
    expect(refusals.every((line) => typeof line.connectionId === "string")).toBe(true);
    expect(
      logs().some(
        (line) =>
          line.msg === "WebSocket operation started" &&
          typeof line.connectionId === "string" &&
          typeof line.operationId === "string",
      ),
    ).toBe(true);
    const everything = logLines.join("\n");
    expect(everything).not.toContain(ADMIN_TOKEN);
    expect(everything).not.toContain(WRONG_TOKEN);
  });
});
