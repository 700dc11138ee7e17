// Test support (subpath export `@tweetream/catalogue/testing`): fresh catalogue
// databases on SQLite or PostgreSQL, and which of the two a test run covers.
// Every suite gets its own SQLite file or PostgreSQL database, so suites run in
// parallel and leave nothing behind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { uniqueName } from "@tweetream/shared/testing";
import { migrateCatalogue, redact, type CatalogueProvider } from "./index.ts";

/** The variable naming a PostgreSQL server for the tests (its role needs CREATEDB). */
export const TEST_POSTGRES_URL_VARIABLE = "TWEETREAM_TEST_POSTGRES_URL";

/** The PostgreSQL server for tests, or undefined when `TWEETREAM_TEST_POSTGRES_URL` is unset. */
export function testPostgresUrl(): string | undefined {
  // A test setting, not app configuration: no service ever reads it.
  // eslint-disable-next-line no-restricted-properties
  const url = process.env[TEST_POSTGRES_URL_VARIABLE];
  return url === undefined || url === "" ? undefined : url;
}

/** One database a catalogue-touching suite runs on. */
export interface TestDatabase {
  provider: CatalogueProvider;
  /** For suite titles: the provider, plus why it is skipped when it is. */
  title: string;
  /** Why this run cannot use the provider (undefined: it can). */
  skipReason: string | undefined;
}

/**
 * The databases to run catalogue-touching suites on: SQLite always, and
 * PostgreSQL, which is skipped (with the reason in its title) when
 * `TWEETREAM_TEST_POSTGRES_URL` is unset. Use with `describe.skipIf(skipReason)`.
 */
export function testDatabases(): TestDatabase[] {
  const skipReason =
    testPostgresUrl() === undefined
      ? `${TEST_POSTGRES_URL_VARIABLE} is not set; set it to a PostgreSQL URL whose role may create databases`
      : undefined;
  return [
    { provider: "sqlite", title: "sqlite", skipReason: undefined },
    {
      provider: "postgresql",
      title: skipReason === undefined ? "postgresql" : `postgresql (skipped: ${skipReason})`,
      skipReason,
    },
  ];
}

/** A database of its own for one suite. */
export interface FreshDatabase {
  provider: CatalogueProvider;
  /** Its DATABASE_URL. */
  url: string;
  /** Deletes the SQLite file or drops the PostgreSQL database (closing its connections). */
  dispose(): Promise<void>;
}

export interface FreshDatabaseOptions {
  /** Start of the file's directory or database's name (default "catalogue"). */
  prefix?: string;
  /** Apply the migrations (default true). */
  migrate?: boolean;
}

/**
 * Creates an empty catalogue database of its own: a SQLite file in a new
 * temporary directory, or a new database on the `TWEETREAM_TEST_POSTGRES_URL`
 * server. Migrated unless `migrate: false`; `dispose()` removes it.
 */
export async function freshDatabase(
  provider: CatalogueProvider,
  { prefix = "catalogue", migrate = true }: FreshDatabaseOptions = {},
): Promise<FreshDatabase> {
  const database =
    provider === "sqlite" ? freshSqliteDatabase(prefix) : await freshPostgresDatabase(prefix);
  if (migrate) {
    try {
      await migrateCatalogue(database.url);
    } catch (error) {
      await database.dispose();
      throw error;
    }
  }
  return database;
}

function freshSqliteDatabase(prefix: string): FreshDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), `tweetream-${prefix}-`));
  return {
    provider: "sqlite",
    url: `file:${path.join(dir, "catalogue.db")}`,
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

async function freshPostgresDatabase(prefix: string): Promise<FreshDatabase> {
  const server = testPostgresUrl();
  if (server === undefined) {
    throw new Error(
      `${TEST_POSTGRES_URL_VARIABLE} is not set: set it to a PostgreSQL URL whose role may create databases (e.g. postgresql://tweetream:tweetream@localhost:5432/tweetream), or skip the PostgreSQL suites`,
    );
  }
  const name = uniqueName(prefix).replace(/[^a-z0-9_]/g, "_");
  await onServer(server, (client) => `CREATE DATABASE ${client.escapeIdentifier(name)}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    provider: "postgresql",
    url: url.toString(),
    dispose: async () => {
      if (dropped) return;
      // FORCE ends the connections a server under test may still hold.
      await onServer(
        server,
        (client) => `DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`,
      );
      dropped = true;
    },
  };
}

/** Runs one statement on the test server's own database, naming the server if it fails. */
async function onServer(server: string, statement: (client: pg.Client) => string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  try {
    await client.connect();
    await client.query(statement(client));
  } catch (error) {
    throw new Error(
      `test database setup failed on ${redact(server)} (${TEST_POSTGRES_URL_VARIABLE}): ${String(error)}`,
      { cause: error },
    );
  } finally {
    // After a failed connect there is nothing to end; that is not the error to report.
    await client.end().catch(() => undefined);
  }
}
