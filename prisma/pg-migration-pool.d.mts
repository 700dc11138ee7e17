import type { PoolConfig } from "pg";

/** Pool settings whose clients report PostgreSQL `name` columns as `text` (prisma/prisma#27403). */
export function migrationPoolConfig(connectionString: string): PoolConfig;
