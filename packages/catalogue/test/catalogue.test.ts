// The catalogue on real databases: a SQLite file always, and PostgreSQL when
// TWEETREAM_TEST_POSTGRES_URL points at a server whose role may create
// databases (.ci/run sets it up). Each suite uses its own file or database.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  absoluteDatabaseUrl,
  migrateCatalogue,
  openCatalogue,
  providerOf,
  redact,
  TopicStatus,
  type Catalogue,
} from "../src/index.ts";
import {
  freshDatabase,
  TEST_POSTGRES_URL_VARIABLE,
  testDatabases,
  type FreshDatabase,
} from "../src/testing.ts";

for (const { provider, title, skipReason } of testDatabases()) {
  describe.skipIf(skipReason !== undefined)(`topic catalogue on ${title}`, () => {
    let database: FreshDatabase;
    let catalogue: Catalogue;

    beforeAll(async () => {
      database = await freshDatabase(provider);
      // A second run must be a no-op: migrations apply at every start.
      await migrateCatalogue(database.url);
      catalogue = openCatalogue(database.url);
    });

    afterAll(async () => {
      await catalogue.close();
      await database.dispose();
    });

    it("gives each suite a database of its own, which dispose removes", async () => {
      // Unmigrated: a marker table is enough to tell the two apart.
      const other = await freshDatabase(provider, { prefix: "isolation", migrate: false });
      expect(other.url).not.toBe(database.url);
      const elsewhere = openCatalogue(other.url);
      try {
        await elsewhere.db.$executeRawUnsafe("CREATE TABLE marker (id INTEGER)");
        expect(await elsewhere.db.$queryRawUnsafe("SELECT id FROM marker")).toEqual([]);
        await expect(catalogue.db.$queryRawUnsafe("SELECT id FROM marker")).rejects.toThrow();
      } finally {
        await elsewhere.close();
        await other.dispose();
      }
      const gone = openCatalogue(other.url);
      try {
        // The SQLite file's directory or the PostgreSQL database no longer exists.
        await expect(gone.db.$queryRawUnsafe("SELECT 1")).rejects.toThrow();
      } finally {
        await gone.close().catch(() => undefined);
      }
    });

    it("uses the provider the URL names", () => {
      expect(catalogue.provider).toBe(provider);
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
}

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

  it("lists PostgreSQL as skipped, and why, when TWEETREAM_TEST_POSTGRES_URL is unset", async () => {
    vi.stubEnv(TEST_POSTGRES_URL_VARIABLE, "");
    try {
      const [sqlite, postgres] = testDatabases();
      expect(sqlite).toEqual({ provider: "sqlite", title: "sqlite", skipReason: undefined });
      expect(postgres?.provider).toBe("postgresql");
      expect(postgres?.skipReason).toMatch(/^TWEETREAM_TEST_POSTGRES_URL is not set; set it/);
      expect(postgres?.title).toBe(`postgresql (skipped: ${postgres?.skipReason ?? ""})`);
      await expect(freshDatabase("postgresql")).rejects.toThrow(
        /TWEETREAM_TEST_POSTGRES_URL is not set: set it to a PostgreSQL URL/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
    vi.stubEnv(TEST_POSTGRES_URL_VARIABLE, "postgresql://u:p@db/x");
    try {
      expect(testDatabases().map((d) => d.skipReason)).toEqual([undefined, undefined]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("creates a SQLite file's missing directories when migrating", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tweetream-catalogue-"));
    try {
      const file = path.join(dir, "nested", "data", "catalogue.db");
      await migrateCatalogue(`file:${file}`);
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the database when migration fails", async () => {
    await expect(migrateCatalogue("postgresql://nobody:secret@127.0.0.1:1/none")).rejects.toThrow(
      /catalogue migration failed for postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });
});
