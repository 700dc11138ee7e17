// The STOCK stack's fan-out, for comparison (issue #13): GraphQL
// subscriptions over Kafka as the Apollo and graphql-ws docs teach them, i.e.
// what a user would build instead of Tweetream's web server:
//
// - an SDL schema with resolvers (`makeExecutableSchema`, as in Apollo's docs);
// - graphql-ws's default execution, `useServer({ schema }, wss)`: every
//   subscriber runs its own graphql `subscribe`, so each post is executed and
//   serialised once per subscriber (Tweetream executes it once per post and
//   selection and sends the same frame to every subscriber of the topic);
// - an in-memory `PubSub` of graphql-subscriptions with one trigger per topic
//   (its README's "dynamic trigger" pattern), `withFilter` for `labels`;
// - ONE kafkajs consumer per process, in its own group (every process must
//   see every post), publishing each post of `<prefix>.topic.<slug>` to the
//   trigger of `<slug>`.
//
// Hand-wired consumer → `pubsub.publish` rather than graphql-kafkajs-subscriptions
// (4.0.13, which does run with kafkajs 2.2.4): one of its KafkaPubSubs reads a
// single Kafka topic and routes by a `channel` header that only its own
// `publish` sets, so following Tweetream's one Kafka topic per user topic would
// take a KafkaPubSub, i.e. a consumer, a group and a producer, per user topic
// instead of one consumer per process; it hands every subscriber the raw
// KafkaMessage (each would parse the JSON again); and it is built on
// graphql-subscriptions 2 (`asyncIterator`), not 3.
//
// Same `tweetAdded(topic, labels)` subscription and Tweet fields as Tweetream's
// schema (apps/web/src/server/schema.graphql), less what only Tweetream's
// history provides (`cursor`, `after`), so the same load processes drive both.
//
//   node --import tsx bench/stock/stock-fanout-server.ts --port 4000 \
//     --brokers 127.0.0.1:9092 --prefix tweetream --topics banjir,macet
//
// GET /metrics answers with two gauges: stock_subscriptions (PubSub listeners,
// i.e. subscribers that get the next post) and stock_consumer_joined (1 once
// the consumer joined its group).
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import http from "node:http";
import { parseArgs } from "node:util";
import { makeExecutableSchema } from "@graphql-tools/schema";
import { ClassifiedPost, decodeMessage, topicNames } from "@tweetream/shared";
import { PubSub, withFilter } from "graphql-subscriptions";
import { useServer } from "graphql-ws/use/ws";
import { Kafka, logLevel } from "kafkajs";
import { WebSocketServer } from "ws";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    brokers: { type: "string", default: "127.0.0.1:9092" },
    prefix: { type: "string", default: "tweetream" },
    /** The user topics (slugs) to consume; they must exist. */
    topics: { type: "string", default: "" },
  },
});
const port = z.coerce.number().int().min(0).max(65535).parse(values.port);
const names = topicNames(values.prefix);
const kafkaTopics = values.topics
  .split(",")
  .filter(Boolean)
  .map((slug) => names.user(slug));

const typeDefs = /* GraphQL */ `
  scalar DateTime

  enum Label {
    TRAFFIC
    NON_TRAFFIC
  }

  type Author {
    id: ID!
    username: String!
  }

  type ModelInfo {
    name: String!
    version: String!
  }

  type Tweet {
    id: ID!
    topic: ID!
    text: String!
    cleanText: String!
    author: Author!
    createdAt: DateTime!
    lang: String!
    topics: [ID!]!
    label: Label!
    score: Float!
    model: ModelInfo!
    ingestedAt: Float!
    classifiedAt: Float!
  }

  type Query {
    ok: Boolean
  }

  type Subscription {
    tweetAdded(topic: ID!, labels: [Label!]): Tweet!
  }
`;

/** What a trigger carries: the payload of `tweetAdded`, the post as delivered to a topic. */
interface TweetEvent {
  tweetAdded: ClassifiedPost & { topic: string };
}
type Events = Record<string, TweetEvent>;

// graphql-subscriptions' PubSub holds one EventEmitter listener per
// subscriber of a trigger; without this, Node warns past 10.
const events = new EventEmitter();
events.setMaxListeners(0);
const pubsub = new PubSub<Events>({ eventEmitter: events });
const trigger = (slug: string) => `TWEET_ADDED.${slug}`;

interface TweetAddedArgs {
  topic: string;
  labels?: ClassifiedPost["label"][] | null;
}

const schema = makeExecutableSchema({
  typeDefs,
  resolvers: {
    // The enum's internal values are the labels as Kafka carries them.
    Label: { TRAFFIC: "traffic", NON_TRAFFIC: "non_traffic" },
    Query: { ok: () => true },
    Subscription: {
      tweetAdded: {
        subscribe: (_root: unknown, args: TweetAddedArgs, context: unknown, info: unknown) => {
          const stream = () => pubsub.asyncIterableIterator<TweetEvent>(trigger(args.topic));
          const labels = args.labels;
          // The filter only when asked for: it adds a promise per event and subscriber.
          if (!labels?.length) return stream();
          return withFilter(stream, (payload?: TweetEvent) =>
            payload ? labels.includes(payload.tweetAdded.label) : false,
          )(undefined, args, context, info);
        },
      },
    },
  },
});

const kafka = new Kafka({
  clientId: "stock-fanout",
  brokers: values.brokers.split(","),
  logLevel: logLevel.ERROR,
});
const consumer = kafka.consumer({ groupId: `${values.prefix}.stock.${randomUUID()}` });
let joined = 0;
consumer.on(consumer.events.GROUP_JOIN, () => {
  joined = 1;
});

async function startConsumer(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: kafkaTopics, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const slug = names.slugOf(topic);
      if (!slug) return;
      let post: ClassifiedPost;
      try {
        post = decodeMessage(ClassifiedPost, message.value);
      } catch {
        return; // the classifier validates what it sends; nothing to dead-letter here
      }
      await pubsub.publish(trigger(slug), { tweetAdded: { ...post, topic: slug } });
    },
  });
}

const subscriptions = () =>
  events.eventNames().reduce((sum, name) => sum + events.listenerCount(name), 0);

const server = http.createServer((request, response) => {
  if (request.url === "/metrics") {
    response.setHeader("content-type", "text/plain");
    response.end(`stock_subscriptions ${subscriptions()}\nstock_consumer_joined ${joined}\n`);
    return;
  }
  response.statusCode = 404;
  response.end();
});
const wss = new WebSocketServer({ server, path: "/graphql" });
useServer({ schema }, wss);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const client of wss.clients) client.close(1001, "going away");
  server.close();
  await Promise.race([
    consumer.disconnect(),
    new Promise((resolve) => setTimeout(resolve, 15_000)),
  ]).catch(() => undefined);
  process.exit(code);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
// Started by the benchmark harness with an IPC channel: never outlive it.
process.on("disconnect", () => void stop());

startConsumer().then(
  () => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      process.stdout.write(
        `stock fan-out server on ${address && typeof address === "object" ? address.port : "?"}\n`,
      );
    });
  },
  (error: unknown) => {
    process.stderr.write(`stock fan-out server: ${String(error)}\n`);
    void stop(1);
  },
);
