// What a DATABASE_URL means, without loading a Prisma client: also read by the
// Prisma CLI's configuration (prisma.config.ts) and the web server's env.ts.

/** The default catalogue location, relative to the working directory. */
export const DEFAULT_DATABASE_URL = "file:./data/catalogue.db";

export type CatalogueProvider = "sqlite" | "postgresql";

/** Which database a DATABASE_URL points at. */
export function providerOf(databaseUrl: string): CatalogueProvider {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgresql" : "sqlite";
}
