// Prisma CLI configuration. Prisma 6.19 with `engine: "js"` runs migrations
// through a driver adapter, so no native schema engine is downloaded (Prisma 7's
// CLI needs one and fails offline). DATABASE_URL picks the provider: a
// postgres:// URL uses PostgreSQL, anything else (default file:./data/catalogue.db)
// SQLite (packages/catalogue/src/database-url.ts).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { DEFAULT_DATABASE_URL, providerOf } from "./packages/catalogue/src/database-url.ts";
import { migrationPoolConfig } from "./prisma/pg-migration-pool.mjs";

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const provider = providerOf(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", provider),
  migrations: { path: path.join("prisma", provider, "migrations") },
  adapter: () =>
    Promise.resolve(
      provider === "postgresql"
        ? new PrismaPg(migrationPoolConfig(url))
        : new PrismaBetterSQLite3({ url }),
    ),
});
