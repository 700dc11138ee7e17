// What one post kept in the web process's history costs in memory: the heap
// (and buffers) a web server holds per retained post, once its topics' logs
// are full and a subscriber per topic has been sent every post.
//
//   node --expose-gc --import tsx apps/web/src/bench/history-memory.ts \
//     [--topics 20] [--history 5000] [--posts 5000] [--selection bench|dashboard]
//     [--brokers localhost:9092]
//
// It needs a broker (`npm run kafka -- start`, or another at `--brokers`). A web server
// runs in this process on a new SQLite catalogue, with `--topics` topics and
// WEB_HISTORY_PER_TOPIC = `--history`; a stock graphql-ws client subscribes
// to each topic with the load fleet's selection (`bench`: id ingestedAt) or
// the dashboard's (`dashboard`: every field of a post). `--posts` classified
// posts per topic (text of a typical synthetic post's length) are written
// straight to the topics' Kafka partitions. Once every subscriber has had
// every post, garbage is collected twice and the growth of heap used +
// external memory since the subscribers connected is divided by the posts
// the history keeps. Run it 3 times; the figure varies by a few percent.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import {
  ClassifiedPost,
  createKafkaClient,
  createLogger,
  encodeMessage,
  topicNames,
} from "@tweetream/shared";
import { loadWebEnv } from "../env.ts";
import { startWebServer } from "../server/web-server.ts";
import { classifiedPost } from "../server/hub/hub-fixtures.ts";

const { values } = parseArgs({
  options: {
    topics: { type: "string", default: "20" },
    history: { type: "string", default: "5000" },
    posts: { type: "string", default: "5000" },
    selection: { type: "string", default: "bench" },
    brokers: { type: "string", default: "localhost:9092" },
  },
});
const TOPICS = Number(values.topics);
const HISTORY = Number(values.history);
const POSTS = Number(values.posts);
const SELECTIONS = {
  bench: "id ingestedAt",
  dashboard:
    "id topic text cleanText source url author { id username } createdAt lang topics label score model { name version } ingestedAt classifiedAt cursor",
};
const selection = SELECTIONS[values.selection as keyof typeof SELECTIONS] as string | undefined;
if (selection === undefined) throw new Error("--selection is bench or dashboard");
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc --import tsx");

const ADMIN_TOKEN = `history-memory-${"0".repeat(24)}`;
const brokers = values.brokers;
const prefix = `hm${Date.now().toString(36)}`;
const logger = createLogger("history-memory", "warn");
const dir = mkdtempSync(path.join(tmpdir(), "tweetream-history-memory-"));
const web = await startWebServer({
  env: loadWebEnv({
    NODE_ENV: "production",
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: `file:${path.join(dir, "catalogue.db")}`,
    PORT: "0",
    WEB_HEALTH_PORT: "0",
    ADMIN_TOKEN,
    WEB_DASHBOARD: "off",
    WEB_HISTORY_PER_TOPIC: String(HISTORY),
    LOG_LEVEL: "warn",
  }),
  logger,
});
const slugs = Array.from({ length: TOPICS }, (_, i) => `memory-${i}`);
for (const slug of slugs) {
  const response = await fetch(`http://127.0.0.1:${web.port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({
      query: `mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug } }`,
      variables: { input: { slug, name: slug, rule: "macet" } },
    }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(`createTopic ${slug}: ${JSON.stringify(body.errors)}`);
}

const received = new Map<string, number>(slugs.map((slug) => [slug, 0]));
const client = createClient({
  url: `ws://127.0.0.1:${web.port}/graphql`,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
});
for (const slug of slugs) {
  client.subscribe(
    {
      query: `subscription ($topic: ID!) { tweetAdded(topic: $topic) { ${selection} } }`,
      variables: { topic: slug },
    },
    {
      next: () => received.set(slug, (received.get(slug) ?? 0) + 1),
      error: (error) => {
        throw new Error(`subscription to ${slug} failed: ${JSON.stringify(error)}`);
      },
      complete: () => undefined,
    },
  );
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The subscriptions reach the server, and the topics' consumers start.
await sleep(3000);

function memory(): { used: number; rss: number } {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { used: usage.heapUsed + usage.external, rss: usage.rss };
}
const before = memory();

const kafka = createKafkaClient({
  brokers: brokers.split(","),
  clientId: "history-memory",
  logger,
  topics: topicNames(prefix),
});
const producer = await kafka.createProducer();
const BATCH = 500;
const started = Date.now();
for (let sent = 0; sent < POSTS; sent += BATCH) {
  const records = [];
  for (const slug of slugs) {
    for (let i = sent; i < Math.min(POSTS, sent + BATCH); i++) {
      const post = classifiedPost(
        `${slug}-${String(1_800_000_000_000_000_000n + BigInt(i))}`,
        i % 3 === 0 ? "traffic" : "non_traffic",
        slug,
      );
      post.text = `Macet parah di Jl. Sudirman arah Semanggi pagi ini, hati-hati yang mau lewat sana ya (${i})`;
      post.cleanText =
        "macet parah di jalan sudirman arah semanggi pagi ini hati hati yang mau lewat sana ya";
      post.author = { id: String(4_000_000 + (i % 5000)), username: `warga_${i % 5000}` };
      post.ingestedAt = Date.now();
      post.classifiedAt = post.ingestedAt + 5;
      records.push({
        topic: kafka.topics.user(slug),
        key: post.id,
        value: encodeMessage(ClassifiedPost, post),
      });
    }
  }
  await producer.send(records);
  const deadline = Date.now() + 60_000;
  const target = Math.min(POSTS, sent + BATCH);
  while ([...received.values()].some((count) => count < target)) {
    if (Date.now() > deadline)
      throw new Error(`subscribers stopped at ${JSON.stringify([...received])}`);
    await sleep(50);
  }
  process.stdout.write(`\r${target * TOPICS} posts delivered`);
}
process.stdout.write("\n");
const after = memory();
const kept = Math.min(POSTS, HISTORY) * TOPICS;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
console.log(
  `selection ${values.selection}: ${TOPICS} topics × ${Math.min(POSTS, HISTORY)} posts kept, written in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
console.log(
  `heap + external: ${mib(before.used)} → ${mib(after.used)}; ${((after.used - before.used) / kept).toFixed(0)} bytes per kept post`,
);
console.log(`rss: ${mib(before.rss)} → ${mib(after.rss)}`);
await client.dispose();
await producer.disconnect();
await kafka.close();
await web.stop();
