// The catalogue on real databases: a SQLite file always, and PostgreSQL when
// TWEETREAM_TEST_POSTGRES_URL points at a server whose role may create
// databases (.ci/run sets it up). Each run uses its own file or database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "@tweetream/shared/testing";
import {
  absoluteDatabaseUrl,
  migrateCatalogue,
  openCatalogue,
  providerOf,
  redact,
  TopicStatus,
  type Catalogue,
} from "../src/index.ts";

const postgresUrl = process.env.TWEETREAM_TEST_POSTGRES_URL;

/** Creates an empty database for one test suite; returns its URL and a disposer. */
async function freshDatabase(kind: "sqlite" | "postgresql") {
  if (kind === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "tweetream-catalogue-"));
    return {
      url: `file:${path.join(dir, "nested", "catalogue.db")}`,
      dispose: async () => {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!postgresUrl) throw new Error("TWEETREAM_TEST_POSTGRES_URL is not set");
  const name = uniqueName("catalogue").replace(/-/g, "_");
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dispose: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

const providers = ["sqlite", ...(postgresUrl ? (["postgresql"] as const) : [])] as const;

describe.each(providers)("topic catalogue on %s", (kind) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let catalogue: Catalogue;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateCatalogue(database.url);
    // A second run must be a no-op: migrations apply at every start.
    await migrateCatalogue(database.url);
    catalogue = openCatalogue(database.url);
  });

  afterAll(async () => {
    await catalogue.close();
    await database.dispose();
  });

  it("uses the provider the URL names", () => {
    expect(catalogue.provider).toBe(kind);
  });

  it("creates, reads, updates and deletes topics", async () => {
    const { db } = catalogue;
    const created = await db.topic.create({
      data: { slug: "jakarta-traffic", name: "Jakarta traffic", rule: "macet OR banjir" },
    });
    expect(created).toMatchObject({ status: TopicStatus.PENDING, description: "" });
    expect(created.createdAt).toBeInstanceOf(Date);

    const updated = await db.topic.update({
      where: { slug: "jakarta-traffic" },
      data: { status: TopicStatus.ACTIVE, rule: "macet" },
    });
    expect(updated.status).toBe(TopicStatus.ACTIVE);
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

    expect(await db.topic.findMany({ where: { status: TopicStatus.ACTIVE } })).toHaveLength(1);
    await db.topic.delete({ where: { slug: "jakarta-traffic" } });
    expect(await db.topic.count()).toBe(0);
  });

  it("refuses a second topic with the same slug", async () => {
    const data = { slug: "dup", name: "one", rule: "a" };
    await catalogue.db.topic.create({ data });
    await expect(catalogue.db.topic.create({ data })).rejects.toMatchObject({ code: "P2002" });
  });
});

describe("catalogue configuration", () => {
  it("picks the provider from the URL", () => {
    expect(providerOf("postgresql://u:p@db/x")).toBe("postgresql");
    expect(providerOf("postgres://db/x")).toBe("postgresql");
    expect(providerOf("file:./data/catalogue.db")).toBe("sqlite");
  });

  it("resolves relative SQLite paths against the working directory", () => {
    expect(absoluteDatabaseUrl("file:./data/c.db", "/srv/app")).toBe("file:/srv/app/data/c.db");
    expect(absoluteDatabaseUrl("postgresql://db/x", "/srv")).toBe("postgresql://db/x");
  });

  it("hides passwords in logged URLs", () => {
    expect(redact("postgresql://tweetream:s3cret@db:5432/x")).toBe(
      "postgresql://tweetream:***@db:5432/x",
    );
  });

  it("names the database when migration fails", async () => {
    await expect(migrateCatalogue("postgresql://nobody:secret@127.0.0.1:1/none")).rejects.toThrow(
      /catalogue migration failed for postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });
});
