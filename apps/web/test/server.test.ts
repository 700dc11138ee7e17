// The web server in-process on port 0, against the real broker and a real SQLite file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "@tweetream/shared";
import { loadWebEnv, startWebServer, type WebServer } from "../src/index.ts";

const dir = mkdtempSync(path.join(tmpdir(), "tweetream-web-"));
let server: WebServer;

beforeAll(async () => {
  const env = loadWebEnv({
    KAFKA_BROKERS: inject("kafkaBrokers"),
    PORT: "0",
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
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("refuses a bad DATABASE_URL with the variable's name and fix", () => {
    expect(() => loadWebEnv({ DATABASE_URL: "mysql://db/x" })).toThrow(
      /DATABASE_URL="mysql:\/\/db\/x" is invalid: expected a file: \(SQLite\) or postgresql:\/\/ URL\. Fix: set DATABASE_URL to/,
    );
  });
});
