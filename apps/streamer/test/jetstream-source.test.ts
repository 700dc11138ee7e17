// The bluesky source against a local Jetstream that speaks the v1 protocol.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";
import {
  createJetstreamSource,
  type JetstreamSource,
  type JetstreamSourceOptions,
} from "../src/sources/bluesky/jetstream.ts";
import type { RawPost } from "../src/sources/source.ts";
import { FakeJetstream, likeEvent, postEvent } from "./fake-jetstream.ts";

const logger = createLogger("jetstream-test", "silent");
const fast = { backoffMinMs: 5, backoffMaxMs: 20, stallTimeoutMs: 5_000, checkpointEveryMs: 0 };

let fakes: FakeJetstream[] = [];
let runs: { abort: AbortController; done: Promise<void> }[] = [];
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "jetstream-test-"));
});

afterEach(async () => {
  for (const run of runs) run.abort.abort();
  await Promise.allSettled(runs.map((run) => run.done));
  await Promise.all(fakes.map((fake) => fake.close()));
  await rm(dir, { recursive: true, force: true });
  fakes = [];
  runs = [];
});

async function fake(): Promise<FakeJetstream> {
  const server = await FakeJetstream.start();
  fakes.push(server);
  return server;
}

/** Runs a source, collecting every post it hands on (repeats included). */
function run(options: Partial<JetstreamSourceOptions> & Pick<JetstreamSourceOptions, "urls">) {
  const source = createJetstreamSource({ logger, timing: fast, ...options });
  const posts: RawPost[] = [];
  const abort = new AbortController();
  const done = source.run(async (batch) => {
    posts.push(...batch);
    await Promise.resolve();
  }, abort.signal);
  runs.push({ abort, done });
  return { source, posts, abort, done };
}

function posts(count: number, from = 0) {
  return Array.from({ length: count }, (_, i) =>
    postEvent(`did:plc:author${String((from + i) % 7)}`, `3k${String(from + i)}`, {
      text: `post ${String(from + i)}`,
    }),
  );
}

const connected = (source: JetstreamSource) => () => source.stats.connected;

async function until(condition: () => boolean, { timeoutMs = 10_000 } = {}): Promise<void> {
  await waitFor(() => condition() || undefined, { timeoutMs, what: condition.toString() });
}

describe("bluesky source", () => {
  it("subscribes to posts only and hands on each post, ignoring other collections", async () => {
    const jetstream = await fake();
    const { source, posts: got } = run({ urls: [jetstream.url] });
    await until(connected(source));
    jetstream.append(likeEvent("did:plc:x", "3kl1"), ...posts(3), likeEvent("did:plc:x", "3kl2"));
    await until(() => got.length === 3);
    expect(jetstream.requests[0]).toBe("/subscribe?wantedCollections=app.bsky.feed.post");
    expect(got.map((post) => post.text)).toEqual(["post 0", "post 1", "post 2"]);
    expect(got[0]).toMatchObject({
      id: "at://did:plc:author0/app.bsky.feed.post/3k0",
      url: "https://bsky.app/profile/did:plc:author0/post/3k0",
    });
  });

  it("resumes a dropped connection from its cursor, rewound: every post arrives, repeats are only within the rewind", async () => {
    const jetstream = await fake();
    jetstream.dropAfter = 40;
    const { source, posts: got } = run({
      urls: [jetstream.url],
      timing: { ...fast, rewindMs: 5 },
    });
    await until(connected(source));
    const sent = posts(300);
    jetstream.append(...sent);
    const ids = () => new Set(got.map((post) => post.id));
    await until(() => ids().size === 300, { timeoutMs: 15_000 });
    expect([...ids()].sort()).toEqual(
      sent
        .map((e) => `at://${e.did}/app.bsky.feed.post/${(e.commit as { rkey: string }).rkey}`)
        .sort(),
    );
    expect(source.stats.reconnects).toBeGreaterThanOrEqual(6);
    // Each reconnect resumes 5 ms (5 events of 1 ms) before the last acknowledged one.
    const cursors = jetstream.requests
      .slice(1)
      .map((r) => Number(new URL(r, "ws://x").searchParams.get("cursor")));
    expect(cursors.every((c) => c > 0)).toBe(true);
    expect(got.length - 300).toBeLessThanOrEqual(source.stats.reconnects * 6);
  });

  it("moves to the next host after repeated failures", async () => {
    const down = await fake();
    down.refuseWith = 503;
    const up = await fake();
    const { source, posts: got } = run({ urls: [down.url, up.url], failoverAfter: 2 });
    await until(connected(source));
    expect(down.requests).toHaveLength(2);
    expect(source.stats).toMatchObject({ failovers: 1, host: up.url });
    expect(source.stats.lastError).toContain("HTTP 503");
    up.append(...posts(2));
    await until(() => got.length === 2);
  });

  it("skips and counts malformed messages and goes on", async () => {
    const jetstream = await fake();
    jetstream.garbage = ["{", "[]", '{"did":"did:plc:a","time_us":1,"kind":"commit"}'];
    const { source, posts: got } = run({ urls: [jetstream.url] });
    await until(connected(source));
    jetstream.append(...posts(2));
    await until(() => got.length === 2);
    expect(source.stats.malformed).toBe(3);
    expect(source.stats.reconnects).toBe(0);
  });

  it("keeps its cursor in a file and resumes from it after a restart", async () => {
    const jetstream = await fake();
    const cursorPath = join(dir, "cursor.json");
    const first = run({ urls: [jetstream.url], cursorPath });
    await until(connected(first.source));
    const sent = posts(20);
    jetstream.append(...sent);
    await until(() => first.posts.length === 20);
    first.abort.abort();
    await first.done;
    const last = sent.at(-1)?.time_us ?? 0;
    expect(JSON.parse(await readFile(cursorPath, "utf8"))).toEqual({ v: 1, timeUs: last });

    // Posts written while the streamer was down are read on its return.
    jetstream.append(...posts(5, 20));
    const second = run({ urls: [jetstream.url], cursorPath });
    await until(() => second.posts.some((post) => post.text === "post 24"));
    expect(jetstream.requests.at(-1)).toBe(
      `/subscribe?wantedCollections=app.bsky.feed.post&cursor=${String(last - 5_000_000)}`,
    );
  });

  it("refuses a cursor file it cannot read, naming it and the fix", async () => {
    const jetstream = await fake();
    const cursorPath = join(dir, "cursor.json");
    await writeFile(cursorPath, "garbage");
    const { source, done } = run({ urls: [jetstream.url], cursorPath });
    await expect(done).rejects.toThrow(/JETSTREAM_CURSOR_PATH.*delete it/);
    expect(await readFile(cursorPath, "utf8")).toBe("garbage");

    // Once the file is fixed (deleted), the same source runs: the refusal left it stopped.
    await rm(cursorPath);
    const again = new AbortController();
    const rerun = source.run(async () => undefined, again.signal);
    runs.push({ abort: again, done: rerun });
    await until(connected(source));
  });

  it("backs off exponentially from 250 ms to 30 s with jitter", async () => {
    const jetstream = await fake();
    jetstream.refuseWith = 500;
    const delays: number[] = [];
    const abort = new AbortController();
    const source = createJetstreamSource({
      urls: [jetstream.url],
      logger,
      random: () => 0.999_999,
      sleep: async (ms) => {
        delays.push(ms);
        if (delays.length === 10) abort.abort();
        await Promise.resolve();
      },
    });
    await source.run(() => Promise.resolve(), abort.signal);
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    const half: number[] = [];
    const again = new AbortController();
    await createJetstreamSource({
      urls: [jetstream.url],
      logger,
      random: () => 0,
      sleep: async (ms) => {
        half.push(ms);
        if (half.length === 3) again.abort();
        await Promise.resolve();
      },
    }).run(() => Promise.resolve(), again.signal);
    expect(half).toEqual([125, 250, 500]);
  });

  it("stops promptly when aborted, connected or not", async () => {
    const jetstream = await fake();
    const { source, abort, done } = run({ urls: [jetstream.url] });
    await until(connected(source));
    const started = Date.now();
    abort.abort();
    await done;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(source.stats.connected).toBe(false);
  });

  it("treats a silent connection as stalled and reconnects", async () => {
    const jetstream = await fake();
    const { source } = run({ urls: [jetstream.url], timing: { ...fast, stallTimeoutMs: 200 } });
    await until(() => source.stats.reconnects >= 1);
    expect(source.stats.lastError).toContain("stalled");
  });
});
