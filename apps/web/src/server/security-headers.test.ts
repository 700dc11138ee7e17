import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { connectSources, dashboardHeaders } from "./security-headers.ts";

/** Runs the dashboard middleware on a request with `headers`; returns both sides. */
function run(headers: IncomingMessage["headers"], dev = false) {
  const request = new IncomingMessage(new Socket());
  request.headers = headers;
  const response = new ServerResponse(request);
  let error: unknown = "next was not called";
  dashboardHeaders(dev)(request, response, (given) => {
    error = given;
  });
  expect(error).toBeUndefined();
  const csp = response.getHeader("content-security-policy");
  if (typeof csp !== "string") throw new Error("no Content-Security-Policy");
  const directives = new Map(
    csp.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  return { request, csp, directives };
}

const NONCE = /^'nonce-([A-Za-z0-9+/]{22}==)'$/;
const nonceOf = (sources: readonly string[] = []) =>
  sources.map((source) => NONCE.exec(source)?.[1]).find((nonce) => nonce !== undefined);

describe("dashboardHeaders", () => {
  it("gives each response a fresh nonce and no 'unsafe-inline' for scripts", () => {
    const first = run({ host: "127.0.0.1:3000" });
    const second = run({ host: "127.0.0.1:3000" });
    const script = first.directives.get("script-src");
    expect(script).toEqual(["'self'", expect.stringMatching(NONCE), "'strict-dynamic'"]);
    expect(nonceOf(script)).not.toBe(nonceOf(second.directives.get("script-src")));
    expect(first.directives.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(run({}, true).directives.get("script-src")).toContain("'unsafe-eval'");
  });

  it("hands Next.js the policy it sends, in place of any the client sent", () => {
    const { request, csp } = run({
      host: "127.0.0.1:3000",
      "content-security-policy": "script-src 'nonce-chosenbytheclient'",
      "content-security-policy-report-only": "script-src 'nonce-chosenbytheclient'",
    });
    expect(request.headers["content-security-policy"]).toBe(csp);
    expect(request.headers["content-security-policy-report-only"]).toBeUndefined();
  });

  it("lets the page connect to its own host only", () => {
    expect(run({ host: "dash.example.com" }).directives.get("connect-src")).toEqual([
      "'self'",
      "ws://dash.example.com",
      "wss://dash.example.com",
    ]);
    expect(run({}).directives.get("connect-src")).toEqual(["'self'"]);
  });
});

describe("connectSources", () => {
  it("names a host and port as the request gave them, lower-cased", () => {
    expect(connectSources("127.0.0.1:3000")).toBe(
      "'self' ws://127.0.0.1:3000 wss://127.0.0.1:3000",
    );
    expect(connectSources("Dash.Example.COM")).toBe(
      "'self' ws://dash.example.com wss://dash.example.com",
    );
  });

  it("falls back to 'self' for a Host header that is missing or could change the policy", () => {
    for (const host of [
      undefined,
      "",
      "evil.example; script-src *",
      "evil.example,wss://other.example",
      "a b",
      "*",
      "*.example.com",
      "example.com'",
      "example.com:80:90",
      "example.com/path",
      "user@example.com",
      "[::1]:3000",
      `${"a".repeat(300)}.example`,
    ]) {
      expect(connectSources(host), String(host)).toBe("'self'");
    }
  });
});
