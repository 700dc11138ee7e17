// Admins creating and deleting topics at once, through the real server, broker
// and catalogue: every operation must finish (no INTERNAL error, no topic left
// PENDING or DELETING, no Kafka topic left over). Before the fix, concurrent
// deletions failed each other in kafkajs' shared admin client and the hub read
// offsets of topics deleted under it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createKafkaClient, topicNames, type KafkaClient } from "@tweetream/shared";
import type { WebServer } from "../src/index.ts";
import {
  ADMIN_TOKEN,
  graphql,
  logger,
  newDeployment,
  startWeb,
  type GraphQLResponse,
} from "./gateway-harness.ts";

const CLIENTS = 10;
const TOPICS_PER_CLIENT = 3;

const CREATE = `mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug status } }`;
const DELETE = `mutation ($slug: ID!) { deleteTopic(slug: $slug) { slug } }`;
const TOPICS = `{ topics { slug status } }`;

interface Outcome {
  op: "create" | "delete";
  slug: string;
  response: GraphQLResponse;
}

describe("topic administration under concurrency", () => {
  const deployment = newDeployment();
  const names = topicNames(deployment.prefix);
  let web: WebServer;
  let kafka: KafkaClient;

  beforeAll(async () => {
    // One client address runs every mutation here: lift the per-address limit.
    web = await startWeb(deployment, { GRAPHQL_MUTATION_RATE_LIMIT: "10000" });
    kafka = createKafkaClient({
      brokers: inject("kafkaBrokers").split(","),
      clientId: "topic-admin-concurrency-test",
      logger,
      topics: names,
    });
  }, 60_000);

  afterAll(async () => {
    await web.stop();
    await kafka.close();
  });

  it("creates and deletes 30 topics from 10 clients at once, leaving nothing half-done", async () => {
    const outcomes: Outcome[] = [];
    const run = async (op: Outcome["op"], slug: string) => {
      const response =
        op === "create"
          ? await graphql(
              web,
              CREATE,
              { input: { slug, name: `Topic ${slug}`, rule: `${slug} OR banjir` } },
              { token: ADMIN_TOKEN },
            )
          : await graphql(web, DELETE, { slug }, { token: ADMIN_TOKEN });
      outcomes.push({ op, slug, response });
    };
    // Each client keeps a topic alive while it creates the next, so creations,
    // deletions and the hub's warm-up of new topics overlap.
    const client = async (c: number) => {
      const slugs = Array.from({ length: TOPICS_PER_CLIENT }, (_, i) => `conc-${c}-${i}`);
      let previous: string | undefined;
      for (const slug of slugs) {
        await run("create", slug);
        if (previous !== undefined) await run("delete", previous);
        previous = slug;
      }
      if (previous !== undefined) await run("delete", previous);
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    const failed = outcomes.filter((o) => o.response.errors !== undefined);
    expect(
      failed.map(
        (o) =>
          `${o.op} ${o.slug}: ${JSON.stringify(o.response.errors?.map((e) => [e.extensions?.code, e.message]))}`,
      ),
    ).toEqual([]);
    const creates = outcomes.filter((o) => o.op === "create");
    expect(creates).toHaveLength(CLIENTS * TOPICS_PER_CLIENT);
    for (const { slug, response } of creates) {
      expect(response.data).toEqual({ createTopic: { slug, status: "ACTIVE" } });
    }
    const deletes = outcomes.filter((o) => o.op === "delete");
    expect(deletes).toHaveLength(CLIENTS * TOPICS_PER_CLIENT);
    for (const { slug, response } of deletes) {
      expect(response.data).toEqual({ deleteTopic: { slug } });
    }

    const listed = await graphql<{ topics: { slug: string; status: string }[] }>(web, TOPICS);
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.topics.filter((t) => t.slug.startsWith("conc-"))).toEqual([]);
    const leftovers = (await kafka.listTopics()).filter((t) => names.slugOf(t) !== undefined);
    expect(leftovers).toEqual([]);
  }, 90_000);
});
