// Every environment variable the Kafka tool reads, in one place. Read at call
// time, not import time, so callers (tests, own-cluster.ts) can adjust the
// environment before calling.
import path from "node:path";
import { KafkaToolError, repoRoot } from "./shared.ts";

export const defaultPort = 9092;
const defaultControllerPort = 9093;
// Node i (1-based) listens on base + 2(i-1) for clients and the next port for the controller.
const defaultClusterBasePort = 19092;

/** The variable's value; unset and empty both read as undefined. */
function read(name: string): string | undefined {
  const value = process.env[name];
  return value === "" ? undefined : value;
}

export function parsePort(value: number | string | undefined, fallback: number, name: string) {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new KafkaToolError(`${name} must be a TCP port number, got "${String(value)}"`);
  }
  return port;
}

/** TWEETREAM_CACHE_DIR: where jars and data live (default `<repo>/.cache`). */
export function cacheDir(): string {
  return path.resolve(read("TWEETREAM_CACHE_DIR") ?? path.join(repoRoot, ".cache"));
}

/** KAFKA_CLUSTER_DIR: the multi-node cluster's data (default `<cache>/kafka-cluster`). */
export function clusterDir(cache: string): string {
  // Own variable so a test can keep its cluster apart while sharing the jars.
  return path.resolve(read("KAFKA_CLUSTER_DIR") ?? path.join(cache, "kafka-cluster"));
}

/** KAFKA_BROKERS: an existing broker list that replaces the local broker; undefined when unset. */
export function externalBrokers(): string | undefined {
  const brokers = process.env.KAFKA_BROKERS?.trim();
  return brokers === "" ? undefined : brokers;
}

/** The single broker's ports: options first, then KAFKA_PORT (9092) and KAFKA_CONTROLLER_PORT (9093). */
export function brokerPorts(opts: { port?: number; controllerPort?: number } = {}) {
  return {
    port: parsePort(opts.port ?? read("KAFKA_PORT"), defaultPort, "KAFKA_PORT"),
    controllerPort: parsePort(
      opts.controllerPort ?? read("KAFKA_CONTROLLER_PORT"),
      defaultControllerPort,
      "KAFKA_CONTROLLER_PORT",
    ),
  };
}

/** The cluster's first client port: `basePort`, else KAFKA_CLUSTER_BASE_PORT, else 19092. */
export function clusterBasePort(basePort: number | undefined): number {
  return parsePort(
    basePort ?? read("KAFKA_CLUSTER_BASE_PORT"),
    defaultClusterBasePort,
    "KAFKA_CLUSTER_BASE_PORT",
  );
}

/** The java binary: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from the PATH. */
export function javaCommand(): string {
  const javaHome = read("JAVA_HOME");
  return javaHome ? path.join(javaHome, "bin", "java") : "java";
}
