import { DEFAULT_DATABASE_URL } from "@tweetream/catalogue";
import { commaList, commonEnv, loadEnv, port } from "@tweetream/shared";
import proxyaddr from "proxy-addr";
import { z } from "zod";

/** A whole number within [min, max] with a default, for the limits below. */
const wholeNumber = (fallback: number, min: number, max: number, what: string) =>
  z.coerce
    .number()
    .int()
    .min(min)
    .max(max)
    .default(fallback)
    .describe(`${what}, a whole number from ${min} to ${max} (default ${fallback})`);

/** True for a bare http(s) origin: what browsers send in `Origin`, with no path or trailing slash. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  } catch {
    return false;
  }
}

/** Every variable the web server reads (README.md, "Configuration"). */
export const webEnvSchema = z
  .object({
    ...commonEnv,
    NODE_ENV: z
      .enum(["development", "production", "test"])
      .default("development")
      .describe(
        "production (built dashboard, no introspection, no stack traces, no field suggestions), development or test",
      ),
    HOST: z
      .string()
      .default("127.0.0.1")
      .describe("the address to listen on, e.g. 0.0.0.0 to accept other machines"),
    PORT: port(3000),
    WEB_HEALTH_HOST: z
      .string()
      .default("127.0.0.1")
      .describe(
        "the address of the internal port (/healthz, /readyz, /metrics), e.g. 0.0.0.0 in a container; keep it off the public network",
      ),
    WEB_HEALTH_PORT: port(3003),
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
        error: "expected a file: (SQLite) or postgresql:// URL",
      })
      .describe(
        "file:./data/catalogue.db (SQLite, the default) or postgresql://user:password@host:5432/db",
      ),
    ADMIN_TOKEN: z
      .string()
      .min(16, { error: "expected at least 16 characters" })
      .max(512, { error: "expected at most 512 characters" })
      .optional()
      .describe(
        "a secret of 16-512 characters that admins send as `Authorization: Bearer <token>`, e.g. the output of `openssl rand -hex 32` (required when NODE_ENV=production)",
      ),
    WEB_DASHBOARD: z
      .enum(["on", "off"])
      .default("on")
      .describe("on (serve the Next.js dashboard, the default) or off (API and health only)"),
    WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT: z
      .enum(["on", "off"])
      .default("on")
      .describe(
        "on (count Buffers in V8's heap limit: fewer full garbage collections while reading Kafka, about 120 MiB more RSS; the default) or off (V8's default)",
      ),
    WEB_HISTORY_PER_TOPIC: wholeNumber(5000, 1, 100_000, "recent posts kept in memory per topic"),
    WEB_REPLAY_RATE: wholeNumber(
      1000,
      1,
      1_000_000,
      "most posts a second one tweetAdded(from:) replay sends before joining the live posts",
    ),
    WEB_REPLAY_TOTAL_RATE: wholeNumber(
      1000,
      1,
      10_000_000,
      "most posts a second all tweetAdded(from:) replays of this process send together",
    ),
    WEB_COUNTS_INTERVAL_MS: wholeNumber(
      2000,
      100,
      3_600_000,
      "how often each web process adds the topics' new posts to the counts of topicStats(from:, to:)",
    ),
    WEB_EXPORT_MAX_CONCURRENT: wholeNumber(
      4,
      1,
      100,
      "GET /export streams running at once in this process (more get 429)",
    ),
    WEB_PREVIEW_TIME_LIMIT_MS: wholeNumber(
      10_000,
      100,
      600_000,
      "milliseconds one previewRule may scan and look up labels before it answers with what it has (complete: false)",
    ),
    WEB_PREVIEW_MAX_SCANNED: wholeNumber(
      5_000_000,
      1,
      1_000_000_000,
      "most preprocessed posts one previewRule looks at (the newest of its range)",
    ),
    WEB_PREVIEW_PROGRESS_MS: wholeNumber(
      500,
      0,
      60_000,
      "milliseconds between the partial results a previewRule subscription gets while it scans (0: after every chunk read)",
    ),
    WEB_PREVIEW_MAX_CONCURRENT: wholeNumber(
      2,
      1,
      100,
      "previewRule scans running at once in this process (more get RATE_LIMITED)",
    ),
    WEB_PREVIEW_SCAN_WORKERS: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "worker threads that scan previewRule's posts, a whole number from 1 to 64 (default: one fewer than the cores, at least 1 and at most 4)",
      ),
    WEB_DRAIN_TIMEOUT_MS: wholeNumber(
      10_000,
      0,
      120_000,
      "milliseconds open HTTP requests get to finish at shutdown",
    ),
    GRAPHQL_INTROSPECTION: z
      .enum(["true", "false"])
      .transform((value) => value === "true")
      .optional()
      .describe("true or false (default: true unless NODE_ENV=production)"),
    GRAPHQL_MAX_DEPTH: wholeNumber(8, 1, 100, "deepest selection allowed"),
    GRAPHQL_MAX_COST: wholeNumber(
      20_000,
      1,
      10_000_000,
      "highest operation cost allowed (each field 1, a list field its selection times its size)",
    ),
    GRAPHQL_MAX_ALIASES: wholeNumber(15, 0, 1000, "most aliases in one operation"),
    GRAPHQL_MAX_DIRECTIVES: wholeNumber(50, 0, 1000, "most directives in one operation"),
    GRAPHQL_MAX_TOKENS: wholeNumber(1000, 10, 100_000, "most tokens in one document"),
    GRAPHQL_MAX_BODY_BYTES: wholeNumber(
      100_000,
      1000,
      10_000_000,
      "largest HTTP request body in bytes",
    ),
    GRAPHQL_WS_MAX_SUBSCRIPTIONS: wholeNumber(
      50,
      1,
      10_000,
      "most concurrent subscriptions per WebSocket",
    ),
    GRAPHQL_WS_MAX_CONNECTIONS_PER_IP: wholeNumber(
      100,
      1,
      100_000,
      "most concurrent WebSockets per client IP address",
    ),
    GRAPHQL_CLIENT_IP_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, { error: "expected an HTTP header name" })
      .transform((name) => name.toLowerCase())
      .optional()
      .describe(
        "the header a trusted reverse proxy puts the client address in, e.g. x-real-ip or x-forwarded-for (unset: the TCP peer address)",
      ),
    GRAPHQL_TRUSTED_PROXIES: z
      .string()
      .default("loopback")
      .transform(commaList)
      .refine(
        (list) => {
          try {
            proxyaddr.compile(list);
            return true;
          } catch {
            return false;
          }
        },
        { error: "expected IP addresses, CIDR ranges, loopback, linklocal or uniquelocal" },
      )
      .describe(
        "a comma-separated list of the proxies allowed to set GRAPHQL_CLIENT_IP_HEADER: IP addresses, CIDR ranges (10.0.0.0/8), or loopback, linklocal, uniquelocal (default loopback)",
      ),
    GRAPHQL_CORS_ORIGINS: z
      .string()
      .default("")
      .transform(commaList)
      .refine((origins) => origins.every(isOrigin), {
        error: "expected origins like https://ops.example.com (scheme, host, optional port)",
      })
      .describe(
        "comma-separated origins whose browsers may call /graphql, e.g. https://ops.example.com,http://localhost:5173 (default: none, same-origin only)",
      ),
    GRAPHQL_MUTATION_RATE_LIMIT: wholeNumber(
      60,
      1,
      100_000,
      "mutations one client address may run per minute",
    ),
    GRAPHQL_OPERATION_RATE_LIMIT: wholeNumber(
      600,
      1,
      1_000_000,
      "queries and subscriptions one client address may start per minute",
    ),
    GRAPHQL_PREVIEW_RATE_LIMIT: wholeNumber(
      60,
      1,
      100_000,
      "rule previews (previewRule) one client address may start per minute",
    ),
    GRAPHQL_AUTH_FAILURE_LIMIT: wholeNumber(
      10,
      1,
      10_000,
      "failed admin authentications one client address may make in 10 minutes before all its credentials are refused for the rest of them",
    ),
    GRAPHQL_WS_INIT_TIMEOUT_MS: wholeNumber(
      3000,
      100,
      60_000,
      "milliseconds a WebSocket client has to send connection_init",
    ),
  })
  .superRefine((env, context) => {
    // A generated token is fine on a laptop but cannot be shared by several
    // production processes, and its log line would leak into log storage.
    if (env.NODE_ENV === "production" && env.ADMIN_TOKEN === undefined) {
      context.addIssue({
        code: "custom",
        path: ["ADMIN_TOKEN"],
        message: "NODE_ENV=production needs an admin token",
      });
    }
  });
export type WebEnv = z.infer<typeof webEnvSchema>;

/** Reads and validates the web server's configuration; throws ConfigError naming each bad variable. */
export function loadWebEnv(
  source: Readonly<Record<string, string | undefined>> = process.env,
): WebEnv {
  return loadEnv(webEnvSchema, source);
}
