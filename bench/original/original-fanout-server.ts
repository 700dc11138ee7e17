// The ORIGINAL design's fan-out, rebuilt for comparison (issue #6, scenario
// 5a): every WebSocket subscription opens its own Kafka consumer, in its own
// consumer group, on the topic it asked for, and forwards what that consumer
// reads. Tweetream's web server instead runs one consumer per process and fans
// out in memory. Same GraphQL subscription shape (tweetAdded) over graphql-ws,
// so the same load process drives both.
//
//   node --import tsx bench/original/original-fanout-server.ts --port 4000 \
//     --brokers 127.0.0.1:9092 --prefix tweetream
//
// GET /metrics answers with two gauges: original_subscriptions (open
// subscriptions) and original_consumers_joined (consumers that joined their
// group, i.e. will see new posts).
import { randomUUID } from "node:crypto";
import http from "node:http";
import { parseArgs } from "node:util";
import { ClassifiedPost } from "@tweetream/shared";
import {
  GraphQLFloat,
  GraphQLID,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  GraphQLBoolean,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { Kafka, logLevel, type Consumer } from "kafkajs";
import { WebSocketServer } from "ws";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    brokers: { type: "string", default: "127.0.0.1:9092" },
    prefix: { type: "string", default: "tweetream" },
  },
});
const port = z.coerce.number().int().min(0).max(65535).parse(values.port);
const kafka = new Kafka({
  clientId: "original-fanout",
  brokers: values.brokers.split(","),
  logLevel: logLevel.ERROR,
});

let subscriptions = 0;
let joined = 0;
const consumers = new Set<Consumer>();

type Post = z.infer<typeof ClassifiedPost>;

/** One Kafka consumer (own group) as an async iterator of the topic's new posts. */
async function* consumeTopic(slug: string): AsyncGenerator<Post> {
  const consumer = kafka.consumer({ groupId: `${values.prefix}.original.${randomUUID()}` });
  consumers.add(consumer);
  subscriptions++;
  const queue: Post[] = [];
  let wake: (() => void) | undefined;
  const state = { counted: false };
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (!state.counted) joined++;
    state.counted = true;
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: `${values.prefix}.topic.${slug}`, fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (!message.value) return Promise.resolve();
        const post = ClassifiedPost.safeParse(JSON.parse(message.value.toString("utf8")));
        if (post.success) {
          queue.push(post.data);
          wake?.();
        }
        return Promise.resolve();
      },
    });
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    subscriptions--;
    if (state.counted) joined--;
    consumers.delete(consumer);
    await consumer.disconnect().catch(() => undefined);
  }
}

const Tweet = new GraphQLObjectType({
  name: "Tweet",
  fields: {
    id: { type: new GraphQLNonNull(GraphQLID) },
    text: { type: new GraphQLNonNull(GraphQLString) },
    label: { type: new GraphQLNonNull(GraphQLString) },
    ingestedAt: { type: new GraphQLNonNull(GraphQLFloat) },
  },
});

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: { ok: { type: GraphQLBoolean, resolve: () => true } },
  }),
  subscription: new GraphQLObjectType({
    name: "Subscription",
    fields: {
      tweetAdded: {
        type: new GraphQLNonNull(Tweet),
        args: { topic: { type: new GraphQLNonNull(GraphQLID) } },
        subscribe: (_root: unknown, args: { topic: string }) => consumeTopic(args.topic),
        // Each event is the post itself.
        resolve: (post: unknown) => post,
      },
    },
  }),
});

const server = http.createServer((request, response) => {
  if (request.url === "/metrics") {
    response.setHeader("content-type", "text/plain");
    response.end(`original_subscriptions ${subscriptions}\noriginal_consumers_joined ${joined}\n`);
    return;
  }
  response.statusCode = 404;
  response.end();
});
const wss = new WebSocketServer({ server, path: "/graphql" });
useServer({ schema }, wss);
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(
    `original fan-out server on ${address && typeof address === "object" ? address.port : "?"}\n`,
  );
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  for (const client of wss.clients) client.terminate();
  server.close();
  await Promise.race([
    Promise.allSettled([...consumers].map((c) => c.disconnect())),
    new Promise((resolve) => setTimeout(resolve, 15_000)),
  ]);
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
// Started by the benchmark harness with an IPC channel: never outlive it.
process.on("disconnect", () => void stop());
