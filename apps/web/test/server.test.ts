// The web server in-process on port 0 against the real broker and its catalogue,
// once per database (SQLite always, PostgreSQL when TWEETREAM_TEST_POSTGRES_URL
// is set): migration and readiness, the topic lifecycle over GraphQL with
// topicsChanged, and reconcile at start by a second process sharing the
// catalogue. Posts through the pipeline never touch the catalogue:
// test/gateway-pipeline.test.ts covers them on SQLite only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCatalogue, TopicStatus, type Catalogue } from "@tweetream/catalogue";
import { testDatabases } from "@tweetream/catalogue/testing";
import { metricValue, waitFor } from "@tweetream/shared/testing";
import { loadWebEnv, type WebServer } from "../src/index.ts";
import {
  ADMIN_TOKEN,
  codes,
  collect,
  freshDeployment,
  graphql,
  startWeb,
  wsClient,
  type DisposableDeployment,
} from "./gateway-harness.ts";

const TOPIC_FIELDS = "slug name rule description status createdAt updatedAt";
const TOPICS_CHANGED = `subscription { topicsChanged { kind slug topic { ${TOPIC_FIELDS} } } }`;
const CREATE = `mutation ($input: CreateTopicInput!) { createTopic(input: $input) { ${TOPIC_FIELDS} } }`;
const BANJIR = {
  slug: "banjir",
  name: "Banjir",
  rule: "banjir OR genangan",
  description: "Floods",
};

interface TopicFields {
  slug: string;
  name: string;
  rule: string;
  description: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}
interface TopicsChanged {
  topicsChanged: { kind: string; slug: string; topic: TopicFields | null };
}

const listTopics = async (server: WebServer) =>
  (await graphql<{ topics: TopicFields[] }>(server, `{ topics { ${TOPIC_FIELDS} } }`)).data?.topics;

for (const { provider, title, skipReason } of testDatabases()) {
  describe.skipIf(skipReason !== undefined)(`web server on ${title}`, () => {
    let deployment: DisposableDeployment;
    let web: WebServer;
    let other: WebServer | undefined;

    /** Runs `fn` on the deployment's catalogue, opened directly. */
    async function onCatalogue<T>(fn: (catalogue: Catalogue) => Promise<T>): Promise<T> {
      const catalogue = openCatalogue(deployment.databaseUrl);
      try {
        return await fn(catalogue);
      } finally {
        await catalogue.close();
      }
    }

    beforeAll(async () => {
      // An empty database: the server's migration at start creates the tables.
      deployment = await freshDeployment(provider);
      web = await startWeb(deployment);
    });

    afterAll(async () => {
      await other?.stop();
      await web.stop();
      await deployment.dispose();
    });

    it("is alive and ready once Kafka and the catalogue answer, on the internal port only", async () => {
      const internal = `http://127.0.0.1:${web.healthPort}`;
      expect((await fetch(`${internal}/healthz`)).status).toBe(200);
      const ready = await fetch(`${internal}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ok: true, checks: { kafka: "ok", database: "ok" } });
      // The public port (WEB_DASHBOARD=off: nothing but the API) serves none of them.
      const base = `http://127.0.0.1:${web.port}`;
      for (const route of ["/healthz", "/readyz", "/metrics", "/nope"]) {
        expect((await fetch(`${base}${route}`)).status, route).toBe(404);
      }
      expect(
        await metricValue(web.healthPort, "tweetream_web_subscriptions", { service: "web" }),
      ).toBe(0);
      expect(
        await metricValue(web.healthPort, "tweetream_process_cpu_seconds_total", {
          service: "web",
        }),
      ).toBeGreaterThan(0);
    });

    it("creates, updates and deletes a topic over GraphQL, announcing each on topicsChanged", async () => {
      const client = wsClient(web);
      try {
        const changes = collect<TopicsChanged>(client, TOPICS_CHANGED);
        await waitFor(() => (web.stats().topicsChangedListeners >= 1 ? true : undefined), {
          what: "the topicsChanged subscription",
        });
        const created = await graphql<{ createTopic: TopicFields }>(
          web,
          CREATE,
          { input: BANJIR },
          {
            token: ADMIN_TOKEN,
          },
        );
        expect(created.errors).toBeUndefined();
        const topic = created.data?.createTopic;
        expect(topic).toMatchObject({ ...BANJIR, status: "ACTIVE" });
        // The server reads the row back from the catalogue for subscribers.
        const [first] = await changes.atLeast(1);
        expect(first?.data?.topicsChanged).toEqual({ kind: "CREATED", slug: "banjir", topic });
        const again = await graphql(web, CREATE, { input: BANJIR }, { token: ADMIN_TOKEN });
        expect(codes(again)).toEqual(["CONFLICT"]);

        const updated = await graphql<{ updateTopic: TopicFields }>(
          web,
          `mutation { updateTopic(slug: "banjir", input: { rule: "banjir" }) { ${TOPIC_FIELDS} } }`,
          {},
          { token: ADMIN_TOKEN },
        );
        const after = updated.data?.updateTopic;
        expect(after).toMatchObject({ ...BANJIR, rule: "banjir", createdAt: topic?.createdAt });
        const seen = await changes.atLeast(2);
        expect(seen[1]?.data?.topicsChanged).toEqual({
          kind: "UPDATED",
          slug: "banjir",
          topic: after,
        });
        const read = await graphql<{ topic: TopicFields | null }>(
          web,
          `{ topic(slug: "banjir") { ${TOPIC_FIELDS} } }`,
        );
        expect(read.data?.topic).toEqual(after);

        const subscriber = collect(client, `subscription { tweetAdded(topic: "banjir") { id } }`);
        await waitFor(() => (web.stats().hubSubscribers >= 1 ? true : undefined), {
          what: "the tweetAdded subscription",
        });
        const deleted = await graphql(
          web,
          `
            mutation {
              deleteTopic(slug: "banjir") {
                slug
              }
            }
          `,
          {},
          { token: ADMIN_TOKEN },
        );
        expect(deleted.data).toEqual({ deleteTopic: { slug: "banjir" } });
        await subscriber.ended();
        expect(subscriber.completed).toBe(true);
        expect(subscriber.errors).toEqual([]);
        const last = await changes.atLeast(3);
        expect(last[2]?.data?.topicsChanged).toEqual({
          kind: "DELETED",
          slug: "banjir",
          topic: null,
        });
        expect(await listTopics(web)).toEqual([]);
        expect(await onCatalogue((c) => c.db.topic.count())).toBe(0);
      } finally {
        await client.dispose();
      }
      // So that the next test counts only its own subscription.
      await waitFor(() => (web.stats().topicsChangedListeners === 0 ? true : undefined), {
        what: "the topicsChanged listener to go",
      });
    });

    it("finishes at start what a crash left in the shared catalogue (reconcile), seen by both processes", async () => {
      // A process that died between the catalogue and Kafka leaves rows like these.
      await onCatalogue((c) =>
        c.db.topic.createMany({
          data: [
            { slug: "left-pending", name: "Pending", rule: "macet", status: TopicStatus.PENDING },
            { slug: "left-deleting", name: "Deleting", rule: "x", status: TopicStatus.DELETING },
          ],
        }),
      );
      const client = wsClient(web);
      try {
        const changes = collect<TopicsChanged>(client, TOPICS_CHANGED);
        await waitFor(() => (web.stats().topicsChangedListeners >= 1 ? true : undefined), {
          what: "the topicsChanged subscription",
        });
        const ofSlug = (slug: string) =>
          changes.results.flatMap((r) =>
            r.data?.topicsChanged.slug === slug ? [r.data.topicsChanged] : [],
          );
        other = await startWeb(deployment);

        expect(
          await onCatalogue((c) => c.db.topic.findMany({ select: { slug: true, status: true } })),
        ).toEqual([{ slug: "left-pending", status: TopicStatus.ACTIVE }]);
        for (const server of [web, other]) {
          expect(await listTopics(server)).toEqual([
            expect.objectContaining({ slug: "left-pending", status: "ACTIVE" }),
          ]);
        }
        // The running process learns of it from the control topic the other one published to.
        await waitFor(() => (ofSlug("left-pending").length > 0 ? true : undefined), {
          what: "left-pending on topicsChanged",
        });
        const announced = ofSlug("left-pending");
        expect(announced).toHaveLength(1);
        expect(announced[0]).toMatchObject({ kind: "CREATED", topic: { name: "Pending" } });
        const history = await graphql(
          web,
          `
            {
              tweets(topic: "left-pending") {
                edges {
                  cursor
                }
              }
            }
          `,
        );
        expect(history.errors).toBeUndefined();

        // A change made through one process reaches the other's subscribers.
        const updated = await graphql<{ updateTopic: TopicFields }>(
          other,
          `mutation { updateTopic(slug: "left-pending", input: { name: "Macet" }) { ${TOPIC_FIELDS} } }`,
          {},
          { token: ADMIN_TOKEN },
        );
        expect(updated.data?.updateTopic).toMatchObject({ name: "Macet", status: "ACTIVE" });
        await waitFor(() => (ofSlug("left-pending").length > 1 ? true : undefined), {
          what: "the update on the other process's topicsChanged",
        });
        expect(ofSlug("left-pending")[1]).toEqual({
          kind: "UPDATED",
          slug: "left-pending",
          topic: updated.data?.updateTopic,
        });
      } finally {
        await client.dispose();
      }
    });
  });
}

describe("web configuration", () => {
  it("requires ADMIN_TOKEN in production and refuses a short one", () => {
    expect(() => loadWebEnv({ NODE_ENV: "production" })).toThrow(
      /ADMIN_TOKEN is required but not set \(NODE_ENV=production needs an admin token\)/,
    );
    // Never echoed, even when invalid: the error goes to the log.
    expect(() => loadWebEnv({ ADMIN_TOKEN: "fifteen-chars-x" })).toThrow(
      /^(?!.*fifteen-chars-x).*ADMIN_TOKEN \(15 characters, not shown: it is a secret\) is invalid: expected at least 16 characters/s,
    );
    expect(loadWebEnv({ GRAPHQL_INTROSPECTION: "false" }).GRAPHQL_INTROSPECTION).toBe(false);
  });

  it("trusts only loopback proxies by default, and refuses a bad GRAPHQL_TRUSTED_PROXIES", () => {
    expect(loadWebEnv({}).GRAPHQL_TRUSTED_PROXIES).toEqual(["loopback"]);
    expect(
      loadWebEnv({ GRAPHQL_TRUSTED_PROXIES: "10.0.0.0/8, uniquelocal" }).GRAPHQL_TRUSTED_PROXIES,
    ).toEqual(["10.0.0.0/8", "uniquelocal"]);
    expect(() => loadWebEnv({ GRAPHQL_TRUSTED_PROXIES: "nginx" })).toThrow(
      /GRAPHQL_TRUSTED_PROXIES="nginx" is invalid: expected IP addresses, CIDR ranges/,
    );
  });

  it("refuses a bad DATABASE_URL with the variable's name and fix", () => {
    // Not shown: a database URL carries a password.
    expect(() => loadWebEnv({ DATABASE_URL: "mysql://db/x" })).toThrow(
      /DATABASE_URL \(12 characters, not shown: it is a secret\) is invalid: expected a file: \(SQLite\) or postgresql:\/\/ URL\. Fix: set DATABASE_URL to/,
    );
  });
});
