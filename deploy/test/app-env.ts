// The variables each app's env schema reads: the deployment files may set
// only these (plus a few that the runtime itself reads, listed below).
import { classifierEnvSchema } from "@tweetream/classifier";
import { streamerEnvSchema } from "@tweetream/streamer";
import { webEnvSchema } from "@tweetream/web";

export type AppName = "web" | "streamer" | "classifier";

/** Variables that are read by Node, npm or the Prisma CLI rather than by an app's schema. */
const RUNTIME_VARIABLES = new Set(["NODE_OPTIONS", "TZ"]);

const schemaKeys: Record<AppName, ReadonlySet<string>> = {
  web: new Set(Object.keys(webEnvSchema.shape)),
  streamer: new Set(Object.keys(streamerEnvSchema.shape)),
  classifier: new Set(Object.keys(classifierEnvSchema.shape)),
};

/** The names in `names` that the app would silently ignore. */
export function unknownVariables(app: AppName, names: Iterable<string>): string[] {
  return [...names].filter((name) => !schemaKeys[app].has(name) && !RUNTIME_VARIABLES.has(name));
}
