// The web server in-process on port 0, against the real broker and a real SQLite file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "@tweetream/shared";
import { metricValue, uniqueName } from "@tweetream/shared/testing";
import { loadWebEnv, startWebServer, type WebServer } from "../src/index.ts";

const dir = mkdtempSync(path.join(tmpdir(), "tweetream-web-"));
let server: WebServer;

beforeAll(async () => {
  const env = loadWebEnv({
    KAFKA_BROKERS: inject("kafkaBrokers"),
    KAFKA_TOPIC_PREFIX: uniqueName("web"),
    PORT: "0",
    WEB_DASHBOARD: "off",
    DATABASE_URL: `file:${path.join(dir, "catalogue.db")}`,
  });
  server = await startWebServer({ env, logger: createLogger("web-test", "warn") });
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("web server", () => {
  it("is alive and ready once Kafka and the catalogue answer", async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { kafka: "ok", database: "ok" } });
    // WEB_DASHBOARD=off: nothing but the API and the health checks.
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(await metricValue(server.port, "tweetream_web_subscriptions", { service: "web" })).toBe(
      0,
    );
    expect(
      await metricValue(server.port, "tweetream_process_cpu_seconds_total", { service: "web" }),
    ).toBeGreaterThan(0);
  });

  it("requires ADMIN_TOKEN in production and refuses a short one", () => {
    expect(() => loadWebEnv({ NODE_ENV: "production" })).toThrow(
      /ADMIN_TOKEN is required but not set \(NODE_ENV=production needs an admin token\)/,
    );
    expect(() => loadWebEnv({ ADMIN_TOKEN: "short" })).toThrow(
      /ADMIN_TOKEN="short" is invalid: expected at least 16 characters/,
    );
    expect(loadWebEnv({ GRAPHQL_INTROSPECTION: "false" }).GRAPHQL_INTROSPECTION).toBe(false);
  });

  it("refuses a bad DATABASE_URL with the variable's name and fix", () => {
    expect(() => loadWebEnv({ DATABASE_URL: "mysql://db/x" })).toThrow(
      /DATABASE_URL="mysql:\/\/db\/x" is invalid: expected a file: \(SQLite\) or postgresql:\/\/ URL\. Fix: set DATABASE_URL to/,
    );
  });
});
