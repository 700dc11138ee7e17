// The topic catalogue. Prisma 6.19 with driver adapters and the TypeScript
// query compiler (engineType "client"): no native engine, works offline.
// SQLite (better-sqlite3) is the embedded default; a postgres:// DATABASE_URL
// switches to PostgreSQL (node-postgres). Both clients are generated from the
// one schema file prisma/topic.prisma, so they share one shape.
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { DEFAULT_DATABASE_URL, providerOf, type CatalogueProvider } from "./database-url.ts";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.ts";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.ts";

export { Prisma, type Topic } from "./generated/sqlite/client.ts";
export { TopicStatus } from "./generated/sqlite/enums.ts";

/**
 * The catalogue's Prisma client. Typed as the SQLite client: the PostgreSQL
 * client is generated from the same models, so their model APIs match, but
 * TypeScript sees the two generated namespaces as unrelated types.
 */
export type CatalogueClient = SqliteClient;

export { DEFAULT_DATABASE_URL, providerOf, type CatalogueProvider };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Makes a SQLite `file:` URL absolute (relative to `cwd`) so that the
 * migration CLI, which runs from the repository root, opens the same file.
 */
export function absoluteDatabaseUrl(databaseUrl: string, cwd = process.cwd()): string {
  if (providerOf(databaseUrl) === "postgresql") return databaseUrl;
  const file = databaseUrl.replace(/^file:/, "");
  if (file === ":memory:") return databaseUrl;
  return `file:${path.resolve(cwd, file)}`;
}

/**
 * Applies the committed migrations (`prisma migrate deploy` for the URL's
 * provider). Idempotent; safe to run at every start.
 */
export async function migrateCatalogue(databaseUrl: string): Promise<void> {
  const url = absoluteDatabaseUrl(databaseUrl);
  if (providerOf(url) === "sqlite")
    mkdirSync(path.dirname(url.slice("file:".length)), { recursive: true });
  const prismaCli = path.join(repoRoot, "node_modules", "prisma", "build", "index.js");
  try {
    await promisify(execFile)(
      process.execPath,
      [prismaCli, "migrate", "deploy", "--config", path.join(repoRoot, "prisma.config.ts")],
      // The CLI needs PATH and friends; DATABASE_URL is the only setting passed on.
      // eslint-disable-next-line no-restricted-properties
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: url }, timeout: 120_000 },
    );
  } catch (error) {
    const output =
      error instanceof Error && "stderr" in error && "stdout" in error
        ? `${String(error.stdout)}${String(error.stderr)}`.trim()
        : "";
    throw new Error(`catalogue migration failed for ${redact(url)}: ${output || String(error)}`, {
      cause: error,
    });
  }
}

/** An open catalogue. */
export interface Catalogue {
  db: CatalogueClient;
  provider: CatalogueProvider;
  close(): Promise<void>;
}

/** Opens the catalogue at `databaseUrl` (run `migrateCatalogue` first). */
export function openCatalogue(databaseUrl: string): Catalogue {
  const url = absoluteDatabaseUrl(databaseUrl);
  const provider = providerOf(url);
  const db =
    provider === "postgresql"
      ? (new PostgresClient({
          adapter: new PrismaPg({ connectionString: url }),
        }) as unknown as CatalogueClient)
      : new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }) });
  return { db, provider, close: () => db.$disconnect() };
}

/** The URL without its password, for logs and errors. */
export function redact(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
