// History from Kafka, measured through a real web process (issue 16):
//
// 1. `tweets(from, to)` latency for a page in the middle of a `--days`-day range
//    of `--posts` posts (the client sends one request at a time);
// 2. the replay rate of `tweetAdded(from:)` over the whole range, one client,
//    with the web process's pacing raised out of the way (WEB_REPLAY_RATE and
//    WEB_REPLAY_TOTAL_RATE 1,000,000), i.e. what reading and sending the log costs;
// 3. the live latency of `--live` subscribers of another topic getting
//    `--live-rate` posts/s, first alone, then while `--replayers` clients
//    replay the last day at the default pace (WEB_REPLAY_RATE 1,000 each,
//    WEB_REPLAY_TOTAL_RATE 1,000 together; or `--replay-rate` and `--replay-total`).
//
//   npm run kafka -- start
//   npx tsx bench/history.ts [--posts 1000000] [--days 7] [--runs 3] [--live 100]
//     [--live-rate 50] [--replayers 5] [--replay-rate 1000] [--replay-total 1000] [--seconds 30]
//     [--brokers localhost:9092]
//
// HISTORY_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") passes
// Node.js flags to the web process.
//
// Every figure is taken `--runs` times; it prints each run and then the median
// and the worst. The web server runs as its own process (as `npm start` runs
// it); the clients and the producer run in this process, on the same machine.
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { z } from "zod";
import {
  ClassifiedPost,
  createKafkaClient,
  createLogger,
  encodeMessage,
  topicNames,
  type KafkaClient,
} from "@tweetream/shared";
import { classifiedPost } from "../apps/web/src/server/hub/hub-fixtures.ts";
import { graphql } from "./lib/graphql-http.ts";
import { newHistogram, summarize } from "./lib/histogram.ts";
import { deleteKafkaPrefixes, setTopicRetention } from "./lib/kafka-cleanup.ts";
import { newPrefix, Stack, type RunContext } from "./lib/system.ts";

const { values } = parseArgs({
  options: {
    posts: { type: "string", default: "1000000" },
    days: { type: "string", default: "7" },
    runs: { type: "string", default: "3" },
    pages: { type: "string", default: "200" },
    live: { type: "string", default: "100" },
    "live-rate": { type: "string", default: "50" },
    replayers: { type: "string", default: "5" },
    // The web process's WEB_REPLAY_RATE and WEB_REPLAY_TOTAL_RATE for the live comparison (its defaults).
    "replay-rate": { type: "string", default: "1000" },
    "replay-total": { type: "string", default: "1000" },
    seconds: { type: "string", default: "30" },
    brokers: { type: "string", default: "localhost:9092" },
    // Internal: run as the process of the replaying clients (see liveLatency).
    "replay-clients": { type: "string" },
    "replay-url": { type: "string" },
    "replay-from": { type: "string" },
  },
});
// The replaying clients' process (forked by liveLatency) does only that.
if (values["replay-clients"] !== undefined) {
  await runReplayClients();
  process.exit(0);
}

const POSTS = Number(values.posts);
const DAY_MS = 86_400_000;
const RANGE_MS = Number(values.days) * DAY_MS;
const RUNS = Number(values.runs);
const PAGES = Number(values.pages);
const LIVE = Number(values.live);
const LIVE_RATE = Number(values["live-rate"]);
const REPLAYERS = Number(values.replayers);
const SECONDS = Number(values.seconds);

const workDir = mkdtempSync(path.join(tmpdir(), "tweetream-history-bench-"));
const ctx: RunContext = {
  brokers: values.brokers,
  workDir,
  adminToken: "history-bench-admin-token-0123456789",
  prefixes: [],
  log: (message) => {
    console.log(message);
  },
  serviceNodeArgs: process.env.HISTORY_BENCH_NODE_ARGS?.split(" ") ?? [],
};
const prefix = newPrefix(ctx, "history");
const topics = topicNames(prefix);
const logger = createLogger("history-bench", "warn");
const kafka = createKafkaClient({
  brokers: ctx.brokers.split(","),
  clientId: "history-bench",
  logger,
  topics,
});
/** The range's end: a minute ago (Kafka keeps 7 days, so the range starts just inside it). */
const end = Date.now() - 60_000;
const start = end - RANGE_MS + 60_000;
function iso(at: number): string {
  return new Date(at).toISOString();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const worstHigh = (xs: number[]) => Math.max(...xs);
const worstLow = (xs: number[]) => Math.min(...xs);

async function writeRange(): Promise<void> {
  const producer = await kafka.createProducer();
  const began = performance.now();
  const text =
    "Macet parah di Jl. Sudirman arah Semanggi, antrean sudah sampai Bundaran HI sejak pagi";
  for (let at = 0; at < POSTS; at += 1500) {
    const batch = [];
    for (let i = at; i < Math.min(POSTS, at + 1500); i++) {
      const id = `h${String(i)}`;
      batch.push({
        topic: topics.user("history"),
        key: id,
        timestamp: start + Math.floor((i / POSTS) * (end - start)),
        value: encodeMessage(ClassifiedPost, {
          ...classifiedPost(id, i % 3 ? "traffic" : "non_traffic", "history"),
          text,
        }),
      });
    }
    await producer.send(batch);
  }
  await producer.disconnect();
  console.log(
    `wrote ${String(POSTS)} posts over ${values.days} days in ${String(Math.round(performance.now() - began))} ms`,
  );
}

const Page = z.object({
  tweets: z.object({
    edges: z.array(z.object({ cursor: z.string(), node: z.object({ id: z.string() }) })),
  }),
});
const PAGE = `query ($from: DateTime, $to: DateTime, $after: String) {
  tweets(topic: "history", from: $from, to: $to, first: 20, after: $after) {
    edges { cursor node { id text label createdAt } }
  }
}`;

/** p50/p99 of `tweets(from, to, after)` for a page from the middle of the range. */
async function pageLatency(stack: Stack): Promise<{ p50: number; p99: number }> {
  const middle = await graphql(
    stack.graphqlUrl,
    PAGE,
    { from: iso(start), to: iso((start + end) / 2) },
    Page,
  );
  const after = middle.tweets.edges[0]?.cursor;
  if (!after) throw new Error("no post in the middle of the range");
  const variables = { from: iso(start), to: iso(end), after };
  // Warm-up: the first requests compile the code paths and fill the broker's page cache.
  for (let i = 0; i < 20; i++) await graphql(stack.graphqlUrl, PAGE, variables, Page);
  const histogram = newHistogram();
  for (let i = 0; i < PAGES; i++) {
    const t0 = performance.now();
    const page = await graphql(stack.graphqlUrl, PAGE, variables, Page);
    const took = performance.now() - t0;
    histogram.recordValue(Math.max(1, Math.round(took * 10)) / 10);
    if (page.tweets.edges.length !== 20) throw new Error("a short page");
  }
  const { p50, p99 } = summarize(histogram);
  return { p50, p99 };
}

function wsClient(stack: Stack): Client {
  return createClient({
    url: stack.wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
  });
}

/** Subscribes to `tweetAdded(from:)` and counts posts; `onPost` per post. */
function replayFrom(
  client: Client,
  topic: string,
  from: number,
  onPost: () => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = client.subscribe(
      {
        query: `subscription ($from: DateTime) { tweetAdded(topic: "${topic}", from: $from) { id } }`,
        variables: { from: iso(from) },
      },
      {
        next: () => {
          if (onPost()) {
            stop();
            resolve();
          }
        },
        error: (error) => {
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          resolve();
        },
      },
    );
  });
}

/** Posts/s of one client replaying the whole range. */
async function replayRate(stack: Stack): Promise<number> {
  const client = wsClient(stack);
  let received = 0;
  const t0 = performance.now();
  await replayFrom(client, "history", start, () => ++received >= POSTS);
  const rate = Math.round(POSTS / ((performance.now() - t0) / 1000));
  await client.dispose();
  return rate;
}

let liveIds = 0;

/**
 * Live subscribers' latency over SECONDS, optionally with replays running: the
 * time from just before the post is sent to Kafka to its arrival, in
 * microseconds (the sender writes its high-resolution clock into the text;
 * the subscribers run in this process, on the same clock), reported in ms.
 */
async function liveLatency(
  stack: Stack,
  kafkaClient: KafkaClient,
  replaying: boolean,
): Promise<{ p50: number; p99: number; count: number }> {
  const clients = Array.from({ length: LIVE }, () => wsClient(stack));
  const histogram = newHistogram();
  const errors: string[] = [];
  // Posts ingested in [measuredFrom, measuredTo) are measured, whenever they arrive.
  let measuredFrom = Infinity;
  let measuredTo = Infinity;
  const stops = clients.map((client) =>
    client.subscribe(
      { query: `subscription { tweetAdded(topic: "live") { ingestedAt text } }` },
      {
        next: (result) => {
          const post = (
            result.data as { tweetAdded?: { ingestedAt: number; text: string } } | undefined
          )?.tweetAdded;
          if (
            post !== undefined &&
            post.ingestedAt >= measuredFrom &&
            post.ingestedAt < measuredTo
          ) {
            const micros = Math.round((performance.now() - Number(post.text)) * 1000);
            histogram.recordValue(Math.max(1, micros));
          }
        },
        error: (error) => {
          errors.push(error instanceof Error ? error.message : JSON.stringify(error));
        },
        complete: () => undefined,
      },
    ),
  );
  // The replaying clients run in a process of their own, so their load does not delay this one's.
  const replayers = replaying
    ? fork(fileURLToPath(import.meta.url), [
        "--replay-clients",
        String(REPLAYERS),
        "--replay-url",
        stack.wsUrl,
        "--replay-from",
        String(end - DAY_MS),
      ])
    : undefined;
  let replayed = 0;
  replayers?.on("message", (count) => {
    replayed = Number(count);
  });
  const producer = await kafkaClient.createProducer();
  let sent = 0;
  const writeFor = async (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      sent++;
      // Ids unique over the whole run: the web process drops a post id it has delivered.
      const id = `l${String(liveIds++)}`;
      await producer.send([
        {
          topic: topics.user("live"),
          key: id,
          value: encodeMessage(ClassifiedPost, {
            ...classifiedPost(id, "traffic", "live"),
            text: String(performance.now()),
            ingestedAt: Date.now(),
          }),
        },
      ]);
      await sleep(1000 / LIVE_RATE);
    }
  };
  await writeFor(5000); // warm-up: subscribers connected, replays under way
  measuredFrom = Date.now();
  const sentBefore = sent;
  await writeFor(SECONDS * 1000);
  measuredTo = Date.now();
  const measured = sent - sentBefore;
  // Every delivery of a measured post counts, however late: wait for them (30 s at most).
  for (let waited = 0; histogram.totalCount < measured * LIVE && waited < 30_000; waited += 100) {
    await sleep(100);
  }
  await producer.disconnect();
  for (const stop of stops) stop();
  await Promise.all(clients.map(async (c) => c.dispose()));
  if (replayers) {
    replayers.send("report");
    await sleep(200);
    replayers.kill();
  }
  console.log(
    `  ${String(measured)} live posts written in the measured ${String(SECONDS)} s` +
      (replaying ? `, ${String(replayed)} posts replayed meanwhile` : "") +
      (errors.length > 0
        ? `; ${String(errors.length)} subscription errors, first: ${errors[0] ?? ""}`
        : ""),
  );
  const { p50, p99, count } = summarize(histogram);
  return { p50: p50 / 1000, p99: p99 / 1000, count };
}

/** The replaying clients' process: replays until killed, and reports its count when asked. */
async function runReplayClients(): Promise<void> {
  // Lowest CPU priority: the replaying clients stand in for clients on other
  // machines, so their own work should not take the web process's cores.
  setPriority(19);
  const url = values["replay-url"] ?? "";
  const from = Number(values["replay-from"]);
  let replayed = 0;
  process.on("message", () => process.send?.(replayed));
  const clients = Array.from({ length: Number(values["replay-clients"]) }, () =>
    createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 }),
  );
  await Promise.all(
    clients.map((client) =>
      replayFrom(client, "history", from, () => {
        replayed++;
        return false;
      }),
    ),
  );
}

let stack: Stack | undefined;
try {
  stack = await Stack.start(ctx, {
    prefix,
    webEnv: { WEB_REPLAY_RATE: "1000000", WEB_REPLAY_TOTAL_RATE: "1000000" },
  });
  await stack.createTopics([
    { slug: "history", rule: "macet" },
    { slug: "live", rule: "jalan" },
  ]);
  // Kept for the whole range, not the local broker's day.
  await setTopicRetention(ctx.brokers, topics.user("history"), RANGE_MS + DAY_MS);
  await writeRange();
  // Warm-up: the web process counts the new posts for topicStats (once, in the
  // background); wait for that, so the pages are timed without it.
  const counting = performance.now();
  const Stats = z.object({
    topicStats: z.object({ countedThrough: z.string(), totals: z.object({ total: z.number() }) }),
  });
  for (;;) {
    const { topicStats } = await graphql(
      stack.graphqlUrl,
      `
        query ($from: DateTime) {
          topicStats(topic: "history", from: $from, bucket: DAY) {
            countedThrough
            totals {
              total
            }
          }
        }
      `,
      { from: iso(start) },
      Stats,
    );
    if (topicStats.totals.total >= POSTS) break;
    await sleep(500);
  }
  console.log(
    `topicStats counted the ${String(POSTS)} posts ${String(Math.round(performance.now() - counting))} ms after they were written`,
  );

  const pages: { p50: number; p99: number }[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const figure = await pageLatency(stack);
    pages.push(figure);
    console.log(
      `tweets page mid-range, run ${String(run)}: p50 ${String(figure.p50)} ms, p99 ${String(figure.p99)} ms (${String(PAGES)} pages)`,
    );
  }
  console.log(
    `tweets page p99: median ${String(median(pages.map((p) => p.p99)))} ms, worst ${String(worstHigh(pages.map((p) => p.p99)))} ms`,
  );

  const rates: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const rate = await replayRate(stack);
    rates.push(rate);
    console.log(`replay of ${String(POSTS)} posts, run ${String(run)}: ${String(rate)} posts/s`);
  }
  console.log(
    `replay rate: median ${String(median(rates))} posts/s, worst ${String(worstLow(rates))} posts/s`,
  );

  // The default pace (or --replay-rate) for the live comparison.
  await stack.web.process.stop();
  stack = await Stack.start(ctx, {
    prefix,
    webEnv: {
      WEB_REPLAY_RATE: values["replay-rate"],
      WEB_REPLAY_TOTAL_RATE: values["replay-total"],
    },
  });
  const alone: number[] = [];
  const withReplays: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const a = await liveLatency(stack, kafka, false);
    alone.push(a.p99);
    console.log(
      `live, ${String(LIVE)} subscribers, run ${String(run)} alone: p50 ${String(a.p50)} ms, p99 ${String(a.p99)} ms (${String(a.count)} deliveries)`,
    );
    const b = await liveLatency(stack, kafka, true);
    withReplays.push(b.p99);
    console.log(
      `live, run ${String(run)} with ${String(REPLAYERS)} replays of a day: p50 ${String(b.p50)} ms, p99 ${String(b.p99)} ms (${String(b.count)} deliveries)`,
    );
  }
  // Each run's pair was measured minutes apart on the same web process.
  const ratios = alone.map((a, i) => (withReplays[i] ?? 0) / a);
  const percent = (r: number) => `${r >= 1 ? "+" : ""}${String(Math.round((r - 1) * 100))} %`;
  console.log(
    `live p99 alone: median ${String(median(alone))} ms, worst ${String(worstHigh(alone))} ms; with replays: median ${String(median(withReplays))} ms, worst ${String(worstHigh(withReplays))} ms; with replays against alone, run by run: ${ratios.map(percent).join(", ")}`,
  );
} finally {
  await stack?.web.process.stop();
  await kafka.close();
  await deleteKafkaPrefixes(ctx.brokers, ctx.prefixes).catch(() => undefined);
  rmSync(workDir, { recursive: true, force: true });
}
