// The stock stack's server against a real broker: posts of a user topic reach
// its subscribers through graphql-ws's default execution and the
// graphql-subscriptions PubSub (v3 with graphql 16), with the Tweet fields the
// load processes select, and `labels` filters.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ClassifiedPost, encodeMessage, topicNames } from "@tweetream/shared";
import { metricValue, uniqueName, waitFor } from "@tweetream/shared/testing";
import { createClient, type Client } from "graphql-ws";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { deleteKafkaPrefixes } from "../lib/kafka-cleanup.ts";
import { repoRoot } from "../lib/paths.ts";
import { spawnTracked, stopTracked, type Tracked } from "../lib/processes.ts";
import { freePort } from "../lib/system.ts";

const brokers = inject("kafkaBrokers");
const prefix = uniqueName("stock");
const names = topicNames(prefix);
const kafka = new Kafka({
  clientId: "stock-test",
  brokers: brokers.split(","),
  logLevel: logLevel.NOTHING,
});
let producer: Producer;
let server: Tracked;
let port: number;
const clients: Client[] = [];
const errors: string[] = [];
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "stock-test-"));

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: ["banjir", "macet"].map((slug) => ({ topic: names.user(slug), numPartitions: 1 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
  port = await freePort();
  server = spawnTracked(
    "stock-fanout",
    process.execPath,
    [
      "--import",
      "tsx",
      path.join("bench", "stock", "stock-fanout-server.ts"),
      ...["--port", String(port), "--brokers", brokers, "--prefix", prefix],
      ...["--topics", "banjir,macet"],
    ],
    { cwd: repoRoot, env: process.env, logFile: path.join(workDir, "server.log"), ipc: true },
  );
  await waitFor(
    async () =>
      (await metricValue(port, "stock_consumer_joined").catch(() => 0)) === 1 ? true : undefined,
    { timeoutMs: 60_000, what: `the consumer to join (log: ${server.logFile})` },
  );
});

afterAll(async () => {
  await Promise.allSettled(clients.map(async (c) => c.dispose()));
  await producer.disconnect();
  await stopTracked(server, 10_000);
  await deleteKafkaPrefixes(brokers, [prefix]);
  fs.rmSync(workDir, { recursive: true, force: true });
});

function post(id: string, label: ClassifiedPost["label"], topics: string[]) {
  const now = Date.now();
  const value: ClassifiedPost = {
    v: 1,
    id,
    source: "synthetic",
    text: `banjir ${id}`,
    cleanText: `banjir ${id}`,
    author: { id: "a1", username: "warga" },
    createdAt: new Date(now).toISOString(),
    lang: "in",
    topics,
    ingestedAt: now,
    label,
    score: 0.9,
    model: { name: "test", version: "1" },
    classifiedAt: now,
  };
  return { key: id, value: encodeMessage(ClassifiedPost, value) };
}

/** A subscriber that keeps what it received. */
function subscriber(query: string) {
  const received: Record<string, unknown>[] = [];
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  clients.push(client);
  client.subscribe(
    { query },
    {
      next: ({ data }) => {
        const tweet: unknown = data?.tweetAdded;
        if (typeof tweet === "object" && tweet !== null) received.push({ ...tweet });
      },
      error: (error) => {
        errors.push(error instanceof Error ? error.message : JSON.stringify(error));
      },
      complete: () => undefined,
    },
  );
  return received;
}

describe("stock fan-out server", () => {
  it("delivers each post of a topic to its subscribers, filtered by labels", async () => {
    const all = subscriber(
      'subscription { tweetAdded(topic: "banjir") { id topic label ingestedAt author { username } } }',
    );
    const nonTraffic = subscriber(
      'subscription { tweetAdded(topic: "banjir", labels: [NON_TRAFFIC]) { id label } }',
    );
    const other = subscriber('subscription { tweetAdded(topic: "macet") { id } }');
    await waitFor(
      async () => ((await metricValue(port, "stock_subscriptions")) === 3 ? true : undefined),
      {
        what: "3 subscriptions",
      },
    );

    // A new group starts at the latest offset, which it resolves on its first
    // fetch: send until the first post arrives.
    let warm = 0;
    await waitFor(
      async () => {
        if (all.length > 0) return true;
        await producer.send({
          topic: names.user("banjir"),
          messages: [post(`warm-${warm++}`, "non_traffic", ["banjir"])],
        });
        return undefined;
      },
      { intervalMs: 500, what: "the first post" },
    );

    await producer.send({
      topic: names.user("banjir"),
      messages: [post("t1", "traffic", ["banjir"]), post("n1", "non_traffic", ["banjir"])],
    });
    await waitFor(
      () =>
        all.some((t) => t.id === "n1") && nonTraffic.some((t) => t.id === "n1") ? true : undefined,
      {
        what: "n1 on both subscribers",
      },
    );

    const sent = all
      .filter((t) => t.id === "t1" || t.id === "n1")
      .map(({ ingestedAt, ...rest }) => ({ ...rest, ingestedAt: typeof ingestedAt }));
    expect(sent).toEqual([
      {
        id: "t1",
        topic: "banjir",
        label: "TRAFFIC",
        ingestedAt: "number",
        author: { username: "warga" },
      },
      {
        id: "n1",
        topic: "banjir",
        label: "NON_TRAFFIC",
        ingestedAt: "number",
        author: { username: "warga" },
      },
    ]);
    expect(nonTraffic.map((t) => t.id)).not.toContain("t1");
    expect(nonTraffic.every((t) => t.label === "NON_TRAFFIC")).toBe(true);
    expect(other).toEqual([]);
    expect(errors).toEqual([]);
  });
});
