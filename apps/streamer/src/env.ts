import { commaList, commonEnv, loadEnv, port } from "@tweetream/shared";
import { z } from "zod";
import { PUBLIC_JETSTREAMS } from "./sources/bluesky/jetstream.ts";
import { parseMastodonStream } from "./sources/mastodon/mastodon.ts";

/** The sources STREAMER_SOURCE may name. */
const SOURCE_KINDS = ["synthetic", "file", "x", "bluesky", "mastodon"] as const;

const rate = (fallback: number) =>
  z.coerce
    .number()
    .min(0)
    .max(50_000)
    .default(fallback)
    .describe(
      `posts per second, from 1 to 50000, or 0 for as fast as Kafka takes them (default ${fallback})`,
    );

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes")
    .describe(`true or false (default ${String(fallback)})`);

/** Every variable the streamer reads (apps/streamer/README.md). */
export const streamerEnvSchema = z
  .object({
    ...commonEnv,
    STREAMER_HEALTH_HOST: z
      .string()
      .default("127.0.0.1")
      .describe("the address for /healthz and /readyz, e.g. 0.0.0.0 in a container"),
    STREAMER_HEALTH_PORT: port(3001),
    STREAMER_SOURCE: z
      .string()
      .default("synthetic")
      .transform((list) => [...new Set(commaList(list))])
      .pipe(
        z
          .array(
            z.enum(SOURCE_KINDS, {
              error: `each source must be one of ${SOURCE_KINDS.join(", ")}`,
            }),
          )
          .min(1, `name a source: ${SOURCE_KINDS.join(", ")}`),
      )
      .describe(
        "the source, or several side by side, comma-separated: synthetic (default), file, x, bluesky, mastodon (e.g. bluesky,mastodon)",
      ),
    STREAMER_DEDUPE_WINDOW: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(100_000)
      .describe("how many recent post ids to remember for dropping duplicates (default 100000)"),
    SYNTHETIC_RATE: rate(50),
    SYNTHETIC_TRAFFIC_SHARE: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe("the share of traffic posts, from 0 to 1 (default 0.5)"),
    SYNTHETIC_SEED: z.coerce
      .number()
      .int()
      .optional()
      .describe("a whole number, for a repeatable stream (default: random)"),
    SYNTHETIC_LIMIT: z.coerce
      .number()
      .int()
      .min(1)
      .optional()
      .describe("a number of posts after which the source stops (default: no limit)"),
    FILE_PATH: z
      .string()
      .optional()
      .describe("the path of a .csv (text,label), .txt (one post a line) or .jsonl corpus"),
    FILE_RATE: rate(100),
    FILE_LOOP: bool(false),
    FILE_CHECKPOINT_PATH: z
      .string()
      .min(1)
      .optional()
      .describe(
        "a file where the file source records the last acknowledged post, to resume there after a restart (default: none, replay from the start)",
      ),
    FILE_FORMAT: z
      .enum(["csv", "txt", "jsonl"])
      .optional()
      .describe("csv, txt or jsonl (default: from the file's extension)"),
    X_BEARER_TOKEN: z
      .string()
      .min(1)
      .optional()
      .describe("an X API v2 app bearer token with filtered-stream access"),
    X_API_URL: z
      .url()
      .optional()
      .describe("the X API base URL, only to point at a proxy or a test server (default X's own)"),
    JETSTREAM_URL: z
      .string()
      .default(PUBLIC_JETSTREAMS.join(","))
      .transform(commaList)
      .pipe(
        z
          .array(
            z.url({
              protocol: /^wss?$/,
              error: "each URL must be ws:// or wss://, e.g. wss://jetstream1.us-east.bsky.network",
            }),
          )
          .min(1, "give at least one ws:// or wss:// URL"),
      )
      .describe(
        "Jetstream instances for the bluesky source, a comma list tried in order (default: Bluesky's four public ones)",
      ),
    JETSTREAM_CURSOR_PATH: z
      .string()
      .min(1)
      .optional()
      .describe(
        "a file where the bluesky source keeps its position, to resume there after a restart (default: none, start live)",
      ),
    MASTODON_URL: z
      .url({
        protocol: /^https?$/,
        error: "give the instance's https:// URL, e.g. https://mastodon.social",
      })
      .optional()
      .describe("the Mastodon instance the mastodon source reads, e.g. https://mastodon.social"),
    MASTODON_TOKEN: z
      .string()
      .min(1)
      .optional()
      .describe(
        "an access token of a user of that instance with the read:statuses scope (Preferences → Development → New application)",
      ),
    MASTODON_STREAMS: z
      .string()
      .default("public")
      .transform((list, ctx) => {
        const names = commaList(list);
        const streams = names.map(parseMastodonStream);
        const bad = names.filter((_, i) => streams[i] === undefined);
        if (names.length === 0 || bad.length > 0) {
          ctx.addIssue({
            code: "custom",
            message: `unknown stream${bad.length === 1 ? "" : "s"} ${bad.join(", ") || "(none given)"}: use public, public:local, public:remote, hashtag:<tag>, hashtag:local:<tag>, user or list:<id>, comma-separated`,
          });
          return z.NEVER;
        }
        return streams.filter((stream) => stream !== undefined);
      })
      .describe(
        "the streams the mastodon source subscribes to, comma-separated: public (default), public:local, hashtag:<tag>, …",
      ),
  })
  .superRefine((env, ctx) => {
    if (env.STREAMER_SOURCE.includes("file") && !env.FILE_PATH) {
      ctx.addIssue({
        code: "custom",
        path: ["FILE_PATH"],
        message: "needed when STREAMER_SOURCE=file",
      });
    }
    if (env.STREAMER_SOURCE.includes("mastodon")) {
      for (const name of ["MASTODON_URL", "MASTODON_TOKEN"] as const) {
        if (!env[name]) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "needed when STREAMER_SOURCE=mastodon",
          });
        }
      }
    }
    if (env.STREAMER_SOURCE.includes("x") && !env.X_BEARER_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["X_BEARER_TOKEN"],
        message: "needed when STREAMER_SOURCE=x",
      });
    }
  });
export type StreamerEnv = z.infer<typeof streamerEnvSchema>;

/** Reads and validates the streamer's configuration; throws ConfigError naming each bad variable. */
export function loadStreamerEnv(
  source: Readonly<Record<string, string | undefined>> = process.env,
): StreamerEnv {
  return loadEnv(streamerEnvSchema, source);
}
