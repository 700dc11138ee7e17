// A node-postgres pool for the Prisma CLI's PostgreSQL migrations.
//
// Prisma 6's JS schema engine asks PostgreSQL catalogue queries whose result
// columns have the type `name` (OID 19), which @prisma/adapter-pg 6.19 cannot
// map and rejects with "Column type 'name' could not be deserialized"
// (prisma/prisma#27403, open). `name` is PostgreSQL's identifier string type,
// so these clients report it as `text` (OID 25), which the adapter reads as a
// string. Only the migration CLI uses this; the app's queries never return `name`.
import pg from "pg";

const NAME_OID = 19;
const TEXT_OID = 25;

function nameAsText(result) {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of r?.fields ?? [])
      if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
  }
  return result;
}

class NameAsTextClient extends pg.Client {
  query(...args) {
    // pg.Pool#query calls Client#query with a callback; direct callers use the promise.
    const callback = args.at(-1);
    if (typeof callback === "function") {
      args[args.length - 1] = (error, result) =>
        callback(error, error ? result : nameAsText(result));
    }
    const pending = super.query(...args);
    return pending && typeof pending.then === "function" ? pending.then(nameAsText) : pending;
  }
}

/**
 * Pool settings whose clients report `name` columns as `text`. A config, not a
 * Pool: the adapter checks `instanceof Pool` against its own copy of pg.
 */
export function migrationPoolConfig(connectionString) {
  // Prisma's migration advisory lock lives as long as the pooled connection;
  // closing idle connections quickly lets a concurrent `migrate deploy` (another
  // web replica starting) get the lock within Prisma's 10 s wait.
  return { connectionString, Client: NameAsTextClient, idleTimeoutMillis: 200 };
}
