// A load process: the harness forks one or more of these so that the load is
// generated outside the harness and the servers under test. It opens real
// graphql-ws WebSocket subscriptions on loopback (or runs topic admins over
// HTTP) on command, and reports what it measured. Everything it opens is
// closed on "close", on SIGTERM, or when the harness goes away.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { z } from "zod";
import { encodeHistogram, newHistogram } from "../lib/histogram.ts";
import {
  LoadCommand,
  type AdminCommand,
  type LoadReply,
  type SubscribeCommand,
  type TopicDeliveries,
} from "./protocol.ts";

interface TopicState {
  /** Dense index per post id, so each subscriber keeps a bitset rather than a set. */
  ids: Map<string, number>;
  subscribers: SubscriberState[];
  first: number | null;
  last: number | null;
}

interface SubscriberState {
  bits: Uint8Array;
  count: number;
  duplicates: number;
}

const clients: Client[] = [];
const topics = new Map<string, TopicState>();
let latency = newHistogram();
let warmupLatency = newHistogram();
/** Posts ingested before this (epoch ms) are the step's warm-up; 0: no warm-up. */
let measureFrom = 0;
let ended = 0;
let errors = 0;
let firstError: string | null = null;

function send(reply: LoadReply): void {
  process.send?.(reply);
}

function noteError(message: string): void {
  errors++;
  firstError ??= message;
}

function record(topic: TopicState, sub: SubscriberState, payload: unknown): void {
  const now = Date.now();
  // Checked by hand rather than with zod: this runs for every delivery, tens
  // of thousands a second, and the load process must not be the bottleneck.
  const id: unknown =
    typeof payload === "object" && payload !== null && "id" in payload ? payload.id : undefined;
  const ingestedAt: unknown =
    typeof payload === "object" && payload !== null && "ingestedAt" in payload
      ? payload.ingestedAt
      : undefined;
  if (typeof id !== "string" || typeof ingestedAt !== "number") {
    noteError(`unexpected payload: ${JSON.stringify(payload).slice(0, 200)}`);
    return;
  }
  (ingestedAt >= measureFrom ? latency : warmupLatency).recordValue(Math.max(0, now - ingestedAt));
  topic.first = topic.first === null ? ingestedAt : Math.min(topic.first, ingestedAt);
  topic.last = topic.last === null ? ingestedAt : Math.max(topic.last, ingestedAt);
  let index = topic.ids.get(id);
  if (index === undefined) {
    index = topic.ids.size;
    topic.ids.set(id, index);
  }
  const byte = index >> 3;
  if (byte >= sub.bits.length) {
    const grown = new Uint8Array(Math.max(byte + 1, sub.bits.length * 2));
    grown.set(sub.bits);
    sub.bits = grown;
  }
  const mask = 1 << (index & 7);
  if ((sub.bits[byte] ?? 0) & mask) {
    sub.duplicates++;
  } else {
    sub.bits[byte] = (sub.bits[byte] ?? 0) | mask;
    sub.count++;
  }
}

/** A `ws` WebSocket bound to a local address, in the constructor shape graphql-ws expects. */
function socketFrom(localAddress: string) {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { localAddress, perMessageDeflate: false });
    }
  };
}

async function subscribe(command: SubscribeCommand): Promise<void> {
  const started = Date.now();
  let connected = 0;
  let failed = 0;
  let subscribeError: string | null = null;
  const sockets = command.addresses.map(socketFrom);
  let next = 0;
  const one = async (i: number) => {
    const topicName = command.topics[i % command.topics.length] ?? "";
    let topic = topics.get(topicName);
    if (!topic) {
      topic = { ids: new Map(), subscribers: [], first: null, last: null };
      topics.set(topicName, topic);
    }
    const sub: SubscriberState = { bits: new Uint8Array(64), count: 0, duplicates: 0 };
    const state = topic;
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, command.timeoutMs);
      const client = createClient({
        url: command.url,
        webSocketImpl: sockets[i % sockets.length],
        retryAttempts: 0,
        lazy: true,
        on: {
          connected: () => {
            clearTimeout(timer);
            resolve(true);
          },
          closed: (event) => {
            clearTimeout(timer);
            resolve(false);
            const code = z.object({ code: z.number() }).safeParse(event);
            if (code.success && code.data.code !== 1000) {
              subscribeError ??= `closed with ${code.data.code}`;
            }
          },
        },
      });
      clients.push(client);
      client.subscribe(
        { query: command.query, variables: { topic: topicName } },
        {
          next: ({ data, errors: gqlErrors }) => {
            if (gqlErrors) noteError(JSON.stringify(gqlErrors).slice(0, 300));
            if (typeof data === "object" && data !== null) {
              record(state, sub, data[command.field]);
            }
          },
          error: (error) => {
            ended++;
            noteError(error instanceof Error ? error.message : JSON.stringify(error).slice(0, 300));
          },
          complete: () => {
            ended++;
          },
        },
      );
    });
    if (ok) {
      connected++;
      state.subscribers.push(sub);
    } else failed++;
  };
  const worker = async () => {
    while (next < command.count) {
      const i = next++;
      await one(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, worker));
  send({
    type: "subscribed",
    connected,
    failed,
    firstError: subscribeError,
    ms: Date.now() - started,
  });
}

function report(): void {
  const out: Record<string, TopicDeliveries> = {};
  for (const [name, t] of topics) {
    let deliveries = 0;
    let duplicates = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (const s of t.subscribers) {
      deliveries += s.count;
      duplicates += s.duplicates;
      min = Math.min(min, s.count);
      max = Math.max(max, s.count);
    }
    out[name] = {
      subscribers: t.subscribers.length,
      distinctPosts: t.ids.size,
      deliveries,
      duplicates,
      minPerSubscriber: t.subscribers.length > 0 ? min : 0,
      maxPerSubscriber: max,
      firstIngestedAt: t.first,
      lastIngestedAt: t.last,
    };
  }
  send({
    type: "report",
    histogram: encodeHistogram(latency),
    warmupHistogram: encodeHistogram(warmupLatency),
    topics: out,
    ended,
    errors,
    firstError,
    rssBytes: process.memoryUsage.rss(),
  });
}

/**
 * Clears what was measured (not the subscriptions), to start a new step; with
 * `warmup`, deliveries count as warm-up until `measure-from` arrives.
 */
function reset(warmup: boolean): void {
  latency = newHistogram();
  warmupLatency = newHistogram();
  measureFrom = warmup ? Number.POSITIVE_INFINITY : 0;
  for (const t of topics.values()) {
    t.ids.clear();
    t.first = null;
    t.last = null;
    for (const s of t.subscribers) {
      s.bits = new Uint8Array(64);
      s.count = 0;
      s.duplicates = 0;
    }
  }
  errors = 0;
  firstError = null;
}

const GraphqlReply = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(z.object({ extensions: z.object({ code: z.string().optional() }).optional() }))
    .optional(),
});

async function admin(command: AdminCommand): Promise<void> {
  const started = Date.now();
  const ops = {
    create: { histogram: newHistogram(), ok: 0, errors: {} as Record<string, number> },
    delete: { histogram: newHistogram(), ok: 0, errors: {} as Record<string, number> },
  };
  const deadline = started + command.timeoutMs;
  const call = async (kind: "create" | "delete", query: string, variables: object) => {
    const op = ops[kind];
    const t0 = performance.now();
    let code: string | undefined;
    try {
      const response = await fetch(command.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${command.token}`,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())),
      });
      const body = GraphqlReply.safeParse(await response.json());
      if (!body.success) code = `HTTP_${response.status}`;
      else if (body.data.errors?.length) {
        code = body.data.errors[0]?.extensions?.code ?? "UNKNOWN";
      } else if (!response.ok) code = `HTTP_${response.status}`;
    } catch (error) {
      code = error instanceof Error && error.name === "TimeoutError" ? "TIMEOUT" : "NETWORK";
    }
    op.histogram.recordValue(Math.round(performance.now() - t0));
    if (code === undefined) op.ok++;
    else op.errors[code] = (op.errors[code] ?? 0) + 1;
    return code === undefined;
  };
  await Promise.all(
    Array.from({ length: command.clients }, async (_, c) => {
      for (let i = 0; i < command.iterations && Date.now() < deadline; i++) {
        const slug = `${command.slugPrefix}-${c}-${i}`;
        const created = await call(
          "create",
          "mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug status } }",
          { input: { slug, name: slug, rule: "macet OR padat" } },
        );
        if (created) {
          await call("delete", "mutation ($slug: ID!) { deleteTopic(slug: $slug) { slug } }", {
            slug,
          });
        }
      }
    }),
  );
  send({
    type: "admin-done",
    create: { ...ops.create, histogram: encodeHistogram(ops.create.histogram) },
    delete: { ...ops.delete, histogram: encodeHistogram(ops.delete.histogram) },
    ms: Date.now() - started,
  });
}

async function closeAll(): Promise<void> {
  await Promise.allSettled(clients.map(async (c) => c.dispose()));
  process.exit(0);
}

process.on("message", (raw: unknown) => {
  const parsed = LoadCommand.safeParse(raw);
  if (!parsed.success) {
    send({ type: "error", message: `bad command: ${parsed.error.message}` });
    return;
  }
  const command = parsed.data;
  const run = async () => {
    switch (command.type) {
      case "subscribe":
        await subscribe(command);
        break;
      case "admin":
        await admin(command);
        break;
      case "reset":
        reset(command.warmup ?? false);
        send({ type: "ack" });
        break;
      case "measure-from":
        measureFrom = command.at;
        send({ type: "ack" });
        break;
      case "report":
        report();
        break;
      case "close":
        await closeAll();
        break;
    }
  };
  run().catch((error: unknown) => {
    send({ type: "error", message: error instanceof Error ? error.message : String(error) });
  });
});
// The harness went away (crash, Ctrl-C): never outlive it.
process.on("disconnect", () => void closeAll());
process.on("SIGTERM", () => void closeAll());
