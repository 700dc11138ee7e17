// The mastodon source against a local instance that speaks Mastodon's
// streaming protocol (fake-mastodon.ts).
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";
import { loadStreamerEnv } from "../src/index.ts";
import {
  createMastodonSource,
  type MastodonSourceOptions,
} from "../src/sources/mastodon/mastodon.ts";
import type { RawPost } from "../src/sources/source.ts";
import { FakeMastodon, status } from "./fake-mastodon.ts";

const logger = createLogger("mastodon-test", "silent");
const TOKEN = "mastodon-test-token";
let fakes: FakeMastodon[] = [];
let runs: { abort: AbortController; done: Promise<void> }[] = [];

afterEach(async () => {
  for (const run of runs) run.abort.abort();
  await Promise.allSettled(runs.map((run) => run.done));
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
  runs = [];
});

async function fake(): Promise<FakeMastodon> {
  const server = await FakeMastodon.start(TOKEN);
  fakes.push(server);
  return server;
}

/** Runs a source, collecting what it hands on and the reconnect delays it chose. */
function run(options: Partial<MastodonSourceOptions> & Pick<MastodonSourceOptions, "instanceUrl">) {
  const delays: number[] = [];
  const source = createMastodonSource({
    token: TOKEN,
    streams: [{ stream: "public" }],
    logger,
    sleep: async (ms) => {
      delays.push(ms);
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
    ...options,
  });
  const posts: RawPost[] = [];
  const deleted: string[] = [];
  const abort = new AbortController();
  const done = source.run(async (batch, deletedIds = []) => {
    posts.push(...batch);
    deleted.push(...deletedIds);
    await Promise.resolve();
  }, abort.signal);
  runs.push({ abort, done });
  return { source, posts, deleted, delays, abort, done };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => condition() || undefined, { timeoutMs, what: condition.toString() });
}

describe("mastodon source", () => {
  it("finds the streaming URL, subscribes with the token and hands on statuses as posts", async () => {
    const mastodon = await fake();
    const { source, posts, deleted } = run({
      instanceUrl: mastodon.url,
      streams: [{ stream: "public" }, { stream: "hashtag", tag: "macet" }],
    });
    await until(() => mastodon.subscribed === 1 && mastodon.subscribes.length === 2);
    expect(mastodon.authorizations).toEqual([`Bearer ${TOKEN}`]);
    expect(mastodon.subscribes).toEqual([
      { type: "subscribe", stream: "public" },
      { type: "subscribe", stream: "hashtag", tag: "macet" },
    ]);

    const first = status({
      content:
        '<p>Macet parah di <a href="https://fake.social/tags/Sudirman" class="mention hashtag">#<span>Sudirman</span></a> &amp; Thamrin</p><p>hati-hati<br>lewat Semanggi</p>',
      tags: ["sudirman"],
    });
    mastodon.send("public", "update", JSON.stringify(first));
    // A boost, a notification and garbage are no posts; an edit is the status's new version.
    mastodon.send("public", "update", JSON.stringify(status({ content: "x", reblog: first })));
    const editedAt = "2026-12-03T08:30:00.000Z";
    const edit = status({ id: String(first.id), content: "<p>Macet parah</p>", editedAt });
    mastodon.send("public", "status.update", JSON.stringify(edit));
    mastodon.send("public", "notification", "{}");
    mastodon.sendRaw("{not json");
    mastodon.send("public", "update", "{}");
    const remote = status({
      content: "<p>jalan tol lancar</p>",
      acct: "budi@other.example",
      language: null,
      spoilerText: "lalu lintas",
    });
    mastodon.send("hashtag", "update", JSON.stringify(remote), "macet");
    mastodon.send("public", "delete", String(first.id));
    await until(() => posts.length === 3 && deleted.length === 1);

    expect(posts[0]).toEqual({
      id: `${mastodon.url}/api/v1/statuses/${String(first.id)}`,
      text: "Macet parah di #Sudirman & Thamrin\n\nhati-hati\nlewat Semanggi",
      author: { id: "warga@127.0.0.1", username: "warga@127.0.0.1" },
      createdAt: "2026-12-03T08:00:00.000Z",
      lang: "id",
      url: `https://fake.social/@warga/${String(first.id)}`,
      hashtags: ["sudirman"],
    });
    expect(posts[1]).toMatchObject({ id: posts[0]?.id, text: "Macet parah", editedAt });
    expect(posts[2]).toMatchObject({
      text: "lalu lintas\n\njalan tol lancar",
      author: { id: "budi@other.example", username: "budi@other.example" },
      lang: "und",
    });
    expect(deleted).toEqual([posts[0]?.id]);
    expect(source.stats).toMatchObject({ posts: 2, deletions: 1, edits: 1, malformed: 2 });
  });

  it("reconnects after a drop, subscribes again and goes on", async () => {
    const mastodon = await fake();
    const { source, posts, delays } = run({ instanceUrl: mastodon.url });
    await until(() => mastodon.subscribed === 1);
    mastodon.send("public", "update", JSON.stringify(status({ content: "satu" })));
    await until(() => posts.length === 1);
    mastodon.dropAll();
    await until(() => source.stats.reconnects === 1 && mastodon.subscribed === 1);
    mastodon.send("public", "update", JSON.stringify(status({ content: "dua" })));
    await until(() => posts.length === 2);
    expect(posts.map((post) => post.text)).toEqual(["satu", "dua"]);
    // X's rules for a network-level drop: 250 ms, then linear.
    expect(delays).toEqual([250]);
    expect(source.stats.connections).toBe(2);
  });

  it("backs off as X's rules say when the token is refused, and says which variable to fix", async () => {
    const mastodon = await fake();
    const { source, delays } = run({ instanceUrl: mastodon.url, token: "wrong" });
    await until(() => delays.length >= 3);
    // HTTP errors: 5 s, doubled each time.
    expect(delays.slice(0, 3)).toEqual([5_000, 10_000, 20_000]);
    expect(source.stats.lastError).toContain("HTTP 401");
    expect(source.stats.connections).toBe(0);
  });

  it("treats a refused subscription as an HTTP error", async () => {
    const mastodon = await fake();
    mastodon.refuseSubscriptions = "This action is outside the authorized scopes";
    const { source, delays } = run({ instanceUrl: mastodon.url });
    await until(() => delays.length >= 2);
    expect(delays.slice(0, 2)).toEqual([5_000, 10_000]);
    expect(source.stats.lastError).toContain("outside the authorized scopes");
  });

  it("reads MASTODON_* and refuses what is missing or unknown, naming the variable", () => {
    const env = loadStreamerEnv({
      STREAMER_SOURCE: "mastodon",
      MASTODON_URL: "https://mastodon.social",
      MASTODON_TOKEN: "t",
      MASTODON_STREAMS: "public:local, hashtag:#macet,hashtag:local:banjir,list:42",
    });
    expect(env.MASTODON_STREAMS).toEqual([
      { stream: "public:local" },
      { stream: "hashtag", tag: "macet" },
      { stream: "hashtag:local", tag: "banjir" },
      { stream: "list", list: "42" },
    ]);
    expect(
      loadStreamerEnv({ STREAMER_SOURCE: " bluesky, synthetic,bluesky" }).STREAMER_SOURCE,
    ).toEqual(["bluesky", "synthetic"]);
    expect(() => loadStreamerEnv({ STREAMER_SOURCE: "bluesky,myspace" })).toThrow(
      /STREAMER_SOURCE.*each source must be one of synthetic, file, x, bluesky, mastodon/,
    );
    expect(() => loadStreamerEnv({ STREAMER_SOURCE: "mastodon" })).toThrow(
      /MASTODON_URL[\s\S]*needed when STREAMER_SOURCE=mastodon[\s\S]*MASTODON_TOKEN/,
    );
    expect(() =>
      loadStreamerEnv({
        STREAMER_SOURCE: "mastodon",
        MASTODON_URL: "https://mastodon.social",
        MASTODON_TOKEN: "t",
        MASTODON_STREAMS: "public,federated",
      }),
    ).toThrow(/MASTODON_STREAMS.*unknown stream federated/);
  });
});
