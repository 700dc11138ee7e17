import { z } from "zod";
import { ConfigError } from "./errors.ts";
import { DEFAULT_TOPIC_PREFIX, TOPIC_PREFIX_PATTERN } from "./topics.ts";

type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Variables whose values are never repeated in an error (which ends up in a
 * log): tokens, passwords, keys, and database URLs (they carry a password).
 */
const SECRET_NAME = /TOKEN|PASSWORD|SECRET|KEY|DATABASE_URL/;

/**
 * Parses environment variables with a zod object schema. Every problem is
 * reported at once, each naming the variable, what was wrong and how to fix it
 * (the fix is the schema field's `.describe()` text).
 */
export function loadEnv<S extends z.ZodObject>(schema: S, source: EnvSource): z.infer<S> {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== "") input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "(environment)");
    const field: unknown = schema.shape[name];
    const hint = field instanceof z.ZodType ? field.description : undefined;
    const fix = hint ? ` Fix: set ${name} to ${hint}.` : "";
    if (input[name] === undefined) {
      const why = issue.code === "custom" ? ` (${issue.message})` : "";
      return `${name} is required but not set${why}.${fix}`;
    }
    const shown = SECRET_NAME.test(name)
      ? `${name} (${input[name].length} characters, not shown: it is a secret)`
      : `${name}=${JSON.stringify(input[name])}`;
    return `${shown} is invalid: ${issue.message}.${fix}`;
  });
  throw new ConfigError(problems);
}

/** A comma-separated list, entries trimmed, empty ones dropped (`"a, b,,"` → `["a", "b"]`). */
export function commaList(list: string): string[] {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;

/** Comma-separated `host:port` list; defaults to the local development broker. */
export const kafkaBrokers = z
  .string()
  .default("127.0.0.1:9092")
  .transform(commaList)
  .refine((list) => list.length > 0 && list.every((b) => HOST_PORT.test(b)), {
    error: "expected a comma-separated list of host:port",
  })
  .describe("a comma-separated list of host:port, e.g. 127.0.0.1:9092");

/** pino log level. */
export const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
  .default("info")
  .describe("one of fatal, error, warn, info, debug, trace, silent");

/** A TCP port; 0 picks a free one (tests). */
export const port = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(fallback)
    .describe(`a TCP port number from 0 to 65535 (default ${fallback})`);

/** Kafka partitions for topics a service creates. */
export const partitions = z.coerce
  .number()
  .int()
  .min(1)
  .max(1000)
  .default(3)
  .describe("a whole number of partitions from 1 to 1000 (default 3)");

/** Kafka replication factor for topics a service creates. */
export const replicationFactor = z.coerce
  .number()
  .int()
  .min(1)
  .max(7)
  .default(1)
  .describe("the number of replicas per partition, 1 for a single broker, 3 for a cluster");

/** Prefix of every Kafka topic name; deployments sharing a cluster use different ones. */
export const topicPrefix = z
  .string()
  .default(DEFAULT_TOPIC_PREFIX)
  .refine((p) => TOPIC_PREFIX_PATTERN.test(p), {
    error: "expected 1-100 characters from a-z A-Z 0-9 . _ -",
  })
  .describe("1-100 characters from a-z A-Z 0-9 . _ - (default tweetream)");

/** The variables every service shares. */
export const commonEnv = {
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_TOPIC_PREFIX: topicPrefix,
  LOG_LEVEL: logLevel,
  KAFKA_TOPIC_PARTITIONS: partitions,
  KAFKA_REPLICATION_FACTOR: replicationFactor,
};
