// The X source through the real twitter-api-v2 client against a local fake X API.
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";
import type { RawPost } from "../src/sources/source.ts";
import { createXSource, type XSource, type XSourceOptions } from "../src/sources/x.ts";
import { XBackoff } from "../src/sources/x-backoff.ts";
import { FakeXServer, type FakeTweet } from "./fake-x-server.ts";

const logger = createLogger("x-source-test", "silent");
const quick = { timeoutMs: 5_000 };

interface Running {
  source: XSource;
  posts: RawPost[];
  batches: number[];
  /** Every reconnect delay the source asked for, in order. */
  delays: number[];
  controller: AbortController;
  done: Promise<void>;
}

let server: FakeXServer;
const running: Running[] = [];

beforeEach(async () => {
  server = await FakeXServer.start();
  // Like X, keep streams alive; tests about silence switch this off.
  server.autoKeepAlive(50);
});

afterEach(async () => {
  for (const run of running.splice(0)) {
    run.controller.abort();
    await run.done.catch(() => undefined);
  }
  await server.close();
});

function newSource(options: Partial<XSourceOptions> = {}, delays: number[] = []): XSource {
  return createXSource({
    bearerToken: server.token,
    baseUrl: options.baseUrl ?? server.baseUrl,
    logger,
    timing: { stallTimeoutMs: 300 },
    // Records the delay instead of waiting it, so backoff is asserted without wall time.
    sleep: async (ms) => {
      delays.push(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
    ...options,
  });
}

function start(options: Partial<XSourceOptions> = {}, emitDelayMs = 0): Running {
  const delays: number[] = [];
  const source = newSource(options, delays);
  const posts: RawPost[] = [];
  const batches: number[] = [];
  const controller = new AbortController();
  const done = source.run(async (batch) => {
    batches.push(batch.length);
    if (emitDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, emitDelayMs));
    posts.push(...batch);
  }, controller.signal);
  const run = { source, posts, batches, delays, controller, done };
  running.push(run);
  return run;
}

const until = (check: () => boolean, what: string) =>
  waitFor(() => (check() ? true : undefined), { ...quick, what });

function tweet(id: string, overrides: Partial<FakeTweet> = {}): FakeTweet {
  return {
    id,
    text: `post ${id}`,
    authorId: `a${id}`,
    username: `user${id}`,
    tags: [],
    ...overrides,
  };
}

describe("x source: stream rules", () => {
  it("removes stale rules at start, adds one rule per topic and is idempotent", async () => {
    server.seedRules([
      { value: "old topic", tag: "gone" },
      { value: "no tag at all" },
      { value: "macet OR traffic", tag: "traffic" },
      { value: "outdated text", tag: "weather" },
      { value: "macet OR traffic", tag: "traffic" },
    ]);
    const source = newSource();
    const topics = new Map([
      ["traffic", "macet OR traffic"],
      ["weather", "hujan OR rain"],
      ["floods", "  banjir  "],
    ]);
    await source.setTopics(topics);
    expect(server.rules.map(({ value, tag }) => ({ value, tag })).sort(byTag)).toEqual([
      { value: "banjir", tag: "floods" },
      { value: "macet OR traffic", tag: "traffic" },
      { value: "hujan OR rain", tag: "weather" },
    ]);
    expect(source.stats).toMatchObject({ ruleAdds: 2, ruleDeletes: 4, ruleErrors: 0 });

    const writes = server.ruleWrites;
    await source.setTopics(topics);
    expect(server.ruleWrites).toBe(writes);

    // A changed rule is replaced, a removed topic loses its rule.
    await source.setTopics(
      new Map([
        ["traffic", "macet OR traffic OR jam"],
        ["floods", "banjir"],
      ]),
    );
    expect(server.rules.map(({ value, tag }) => ({ value, tag })).sort(byTag)).toEqual([
      { value: "banjir", tag: "floods" },
      { value: "macet OR traffic OR jam", tag: "traffic" },
    ]);
  });

  it("serializes concurrent syncs so the last catalogue wins", async () => {
    const source = newSource();
    await Promise.all([
      source.setTopics(new Map([["a1", "one"]])),
      source.setTopics(new Map([["b2", "two"]])),
      source.setTopics(
        new Map([
          ["c3", "three"],
          ["b2", "two"],
        ]),
      ),
    ]);
    expect(server.rules.map((r) => r.tag).sort()).toEqual(["b2", "c3"]);
    // No rule was ever added twice by overlapping syncs.
    const added = server.ruleChanges.filter((c) => c.op === "add").map((c) => c.tag);
    expect(added).toEqual(["a1", "b2", "c3"]);
  });

  it("logs and counts rules X refuses without failing the others", async () => {
    const source = newSource();
    await source.setTopics(
      new Map([
        ["good", "kemacetan"],
        ["bad", "INVALID rule"],
        ["twin", "kemacetan"],
      ]),
    );
    expect(server.rules.map((r) => r.value)).toEqual(["kemacetan"]);
    expect(source.stats.ruleErrors).toBe(2);
    expect(source.stats.ruleAdds).toBe(1);
  });

  it("rejects when X refuses the token", async () => {
    const source = newSource({ bearerToken: "wrong" });
    await expect(source.setTopics(new Map([["a1", "x"]]))).rejects.toThrow(/401/);
    expect(source.stats.lastError).toMatch(/401/);
  });
});

describe("x source: posts", () => {
  it("delivers posts with usernames, matched topics and defaults", async () => {
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    expect(server.lastStreamQuery?.get("tweet.fields")).toBe("id,text,author_id,created_at,lang");
    expect(server.lastStreamQuery?.get("expansions")).toBe("author_id");
    server.pushTweet(
      tweet("1", {
        text: "jalan macet",
        lang: "in",
        createdAt: "2026-01-02T03:04:05.000Z",
        tags: ["traffic", "jakarta"],
      }),
    );
    server.pushTweet(tweet("2", { createdAt: "yesterday" }));
    await until(() => run.posts.length === 2, "two posts");
    expect(run.posts[0]).toEqual({
      id: "1",
      text: "jalan macet",
      author: { id: "a1", username: "user1" },
      createdAt: "2026-01-02T03:04:05.000Z",
      lang: "in",
      matchedTopics: ["traffic", "jakarta"],
    });
    expect(run.posts[1]).toMatchObject({ lang: "und", matchedTopics: [] });
    expect(Number.isNaN(Date.parse(run.posts[1]?.createdAt ?? ""))).toBe(false);
    expect(run.source.stats).toMatchObject({ connected: true, postsReceived: 2, reconnects: 0 });
  });

  it("keeps characters split across network chunks intact", async () => {
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    // A keep-alive between the halves would cut the line; X sends none mid-line.
    server.autoKeepAlive(undefined);
    const line = Buffer.from(
      `${JSON.stringify({ data: { id: "9", text: "İstanbul’da trafik 🚗", author_id: "a9" } })}\r\n`,
    );
    const cut = line.indexOf(Buffer.from("🚗")) + 2;
    server.write(line.subarray(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.write(line.subarray(cut));
    await until(() => run.posts.length === 1, "the post");
    expect(run.posts[0]?.text).toBe("İstanbul’da trafik 🚗");
  });

  it("skips and counts garbage lines and goes on", async () => {
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    server.write("this is not json\r\n");
    server.pushPayload({ something: "else" });
    server.pushTweet(tweet("3"));
    await until(() => run.posts.length === 1, "the post after the garbage");
    expect(run.source.stats.malformedLines).toBe(2);
    expect(server.connections).toBe(1);
  });

  it("emits in bounded batches and awaits each one", async () => {
    const run = start({ maxBatchSize: 5 }, 20);
    await until(() => server.openStreams === 1, "a stream");
    for (let i = 0; i < 23; i++) server.pushTweet(tweet(String(i)));
    await until(() => run.posts.length === 23, "all posts");
    expect(Math.max(...run.batches)).toBeLessThanOrEqual(5);
    expect(run.posts.map((p) => p.id)).toEqual(Array.from({ length: 23 }, (_, i) => String(i)));
  });
  it("pauses the stream behind a slow emit without taking it for a stall", async () => {
    const run = start({ maxBatchSize: 1, maxQueuedPosts: 8 }, 80);
    await until(() => server.openStreams === 1, "a stream");
    for (let i = 0; i < 16; i++) server.pushTweet(tweet(String(i)));
    await until(() => run.posts.length === 16, "all posts");
    expect(server.connections).toBe(1);
    expect(run.source.stats.reconnects).toBe(0);
  });
});

describe("x source: reconnecting", () => {
  it("reconnects a stalled stream at once", async () => {
    server.autoKeepAlive(undefined);
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    server.keepAlive();
    // Then silence: no data, no keep-alive.
    await until(() => server.connections === 2, "a second connection");
    expect(server.closedByClient).toBeGreaterThanOrEqual(1);
    expect(run.delays[0]).toBe(0);
    expect(run.source.stats.lastError).toMatch(/stalled/);
  });

  it("keeps a stream with regular keep-alives", async () => {
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(server.connections).toBe(1);
    expect(run.source.stats.reconnects).toBe(0);
  });

  it("treats a trickle of bytes without a newline as a stall", async () => {
    server.autoKeepAlive(undefined);
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    server.keepAlive();
    const trickle = setInterval(() => {
      server.write("{");
    }, 30);
    try {
      await until(() => server.connections === 2, "a reconnect");
    } finally {
      clearInterval(trickle);
    }
    expect(run.source.stats.lastError).toMatch(/stalled/);
  });

  it("drops an over-long line with its connection and counts it", async () => {
    const run = start({ maxLineBytes: 10_000 });
    await until(() => server.openStreams === 1, "a stream");
    // No keep-alive may end the long line before the source drops it.
    server.autoKeepAlive(undefined);
    server.write(`{"data":{"text":"${"a".repeat(30_000)}`);
    await until(() => server.connections === 2, "a reconnect");
    server.autoKeepAlive(50);
    expect(run.source.stats.malformedLines).toBe(1);
    server.pushTweet(tweet("5"));
    await until(() => run.posts.length === 1, "a post on the new connection");
  });

  it("backs off exponentially from 1 minute on HTTP 429 TooManyConnections", async () => {
    server.failNextConnections(3, 429);
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    expect(run.delays).toEqual([60_000, 120_000, 240_000]);
    expect(server.connectionAttempts).toBe(4);
    expect(run.source.stats.lastError).toMatch(/TooManyConnections/);
  });

  it("backs off exponentially from 5 s on HTTP errors and resets after a good connection", async () => {
    server.failNextConnections(3, 503);
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    expect(run.delays).toEqual([5_000, 10_000, 20_000]);
    server.keepAlive();
    await until(() => run.source.stats.connected, "connected");
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.failNextConnections(2, 401);
    server.dropStreams();
    await until(() => server.connections === 2, "a new connection");
    // At once after the healthy connection dropped, then from 5 s again.
    expect(run.delays).toEqual([5_000, 10_000, 20_000, 0, 5_000, 10_000]);
  });

  it("backs off linearly when the server drops the socket", async () => {
    server.failNextConnections(3, "reset");
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    expect(run.delays).toEqual([250, 500, 750]);
  });

  it("backs off linearly up to the ceiling when the connection is refused", async () => {
    const { baseUrl } = server;
    await server.close();
    const run = start({ baseUrl, timing: { stallTimeoutMs: 300, networkMaxMs: 1_000 } });
    await until(() => run.delays.length >= 6, "six attempts");
    expect(run.delays.slice(0, 6)).toEqual([250, 500, 750, 1_000, 1_000, 1_000]);
    expect(run.source.stats.lastError).toMatch(/ECONNREFUSED/);
    server = await FakeXServer.start();
  });

  it("gives up on a server that never answers and retries", async () => {
    const silent = await silentTcpServer();
    try {
      const run = start({ baseUrl: silent.url });
      await until(() => run.delays.length >= 2, "two timed-out attempts");
      expect(run.delays.slice(0, 2)).toEqual([250, 500]);
      expect(run.source.stats.lastError).toMatch(/no response/);
    } finally {
      await silent.close();
    }
  });

  it("backs off as for 429 when X reports TooManyConnections in the stream", async () => {
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    server.pushPayload({
      errors: [
        {
          title: "ConnectionException",
          detail: "This stream is currently at the maximum allowed connection limit.",
          connection_issue: "TooManyConnections",
          type: "https://api.twitter.com/2/problems/streaming-connection",
        },
      ],
    });
    await until(() => server.connections === 2, "a reconnect");
    expect(run.delays).toEqual([60_000]);
    expect(run.source.stats.lastError).toMatch(/TooManyConnections/);
  });

  it("reconnects after an operational-disconnect", async () => {
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    server.operationalDisconnect();
    await until(() => server.connections === 2, "a reconnect");
    expect(run.delays).toEqual([0]);
    expect(run.source.stats.lastError).toMatch(/operational-disconnect/);
    server.pushTweet(tweet("7"));
    await until(() => run.posts.length === 1, "a post after reconnecting");
  });
});

describe("x source: abort", () => {
  it("closes the stream promptly and resolves", async () => {
    const run = start();
    await until(() => server.openStreams === 1, "a stream");
    const started = Date.now();
    run.controller.abort();
    await run.done;
    expect(Date.now() - started).toBeLessThan(500);
    await until(() => server.closedByClient === 1, "the server to see the close");
    expect(run.source.stats.connected).toBe(false);
  });

  it("resolves promptly while backing off with the real timer", async () => {
    server.failNextConnections(1, 429);
    const source = newSource({ sleep: undefined });
    const controller = new AbortController();
    const done = source.run(async () => undefined, controller.signal);
    await until(() => source.stats.reconnects === 1, "a 429");
    const started = Date.now();
    controller.abort();
    await done;
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("resolves promptly while waiting for response headers", async () => {
    const silent = await silentTcpServer();
    try {
      const run = start({ baseUrl: silent.url, timing: { stallTimeoutMs: 60_000 } });
      await until(() => silent.connections() === 1, "a connection attempt");
      const started = Date.now();
      run.controller.abort();
      await run.done;
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      await silent.close();
    }
  });
});

describe("x backoff", () => {
  it("counts each kind separately and resets", () => {
    const backoff = new XBackoff();
    expect([backoff.next("http"), backoff.next("network"), backoff.next("http")]).toEqual([
      5_000, 250, 10_000,
    ]);
    for (let i = 0; i < 10; i++) backoff.next("http");
    expect(backoff.next("http")).toBe(320_000);
    for (let i = 0; i < 100; i++) backoff.next("rateLimit");
    expect(backoff.next("rateLimit")).toBe(15 * 60_000);
    backoff.reset();
    expect(backoff.next("rateLimit")).toBe(60_000);
  });
});

function byTag(a: { tag?: string }, b: { tag?: string }): number {
  return (a.tag ?? "").localeCompare(b.tag ?? "");
}

/** A TCP server that accepts connections and never answers. */
async function silentTcpServer(): Promise<{
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let count = 0;
  const tcp: TcpServer = createTcpServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  const { port } = tcp.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        tcp.close(() => {
          resolve();
        });
      });
    },
  };
}
