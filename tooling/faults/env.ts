// The only file of the fault harness that reads process.env.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The environment handed on to the services (PATH, NODE_OPTIONS, …), without Kafka settings the harness sets itself. */
export function inheritedEnv(): Record<string, string | undefined> {
  // The services must use the harness's cluster and deployment, never the developer's.
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(KAFKA_|FILE_|STREAMER_|CLASSIFIER_|WEB_|GRAPHQL_)/.test(name),
    ),
  );
}

/** The labelled corpora: `<repo root>/../shared/data`, or TWEETREAM_DATA_DIR; throws naming the fix. */
export function dataDir(): string {
  const dir = process.env.TWEETREAM_DATA_DIR ?? path.resolve(repoRoot, "../shared/data");
  if (!existsSync(dir)) {
    throw new Error(`corpus directory ${dir} not found; set TWEETREAM_DATA_DIR to the data folder`);
  }
  return dir;
}
