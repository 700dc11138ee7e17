// The one table of Tweetream's services: what runs each, in which order, and
// where it answers /healthz, /readyz and /metrics. `npm start`
// (tooling/start.ts), the process tests (test/process-helpers.ts), the fault
// harness (tooling/faults/stack.ts), the benchmark (bench/lib/system.ts) and
// the systemd units (deploy/systemd, checked against this table by
// deploy/test/systemd.test.ts) all follow it.
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, where every entry point is resolved and every service runs. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** In start order: web first (it migrates the catalogue and creates the core topics). Stop in reverse. */
export const SERVICE_NAMES = ["web", "classifier", "streamer"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceSpec {
  readonly name: ServiceName;
  /** Entry point relative to the repository root, run as `node --import tsx <entry>`. */
  readonly entry: string;
  /** The variables of the address of /healthz, /readyz and /metrics, and the port's default. */
  readonly healthHostVar: string;
  readonly healthPortVar: string;
  readonly defaultHealthPort: number;
}

export const SERVICES: Readonly<Record<ServiceName, ServiceSpec>> = {
  web: {
    name: "web",
    entry: "apps/web/src/main.ts",
    healthHostVar: "WEB_HEALTH_HOST",
    healthPortVar: "WEB_HEALTH_PORT",
    defaultHealthPort: 3003,
  },
  classifier: {
    name: "classifier",
    entry: "apps/classifier/src/main.ts",
    healthHostVar: "CLASSIFIER_HEALTH_HOST",
    healthPortVar: "CLASSIFIER_HEALTH_PORT",
    defaultHealthPort: 3002,
  },
  streamer: {
    name: "streamer",
    entry: "apps/streamer/src/main.ts",
    healthHostVar: "STREAMER_HEALTH_HOST",
    healthPortVar: "STREAMER_HEALTH_PORT",
    defaultHealthPort: 3001,
  },
};

/** A URL on which `host` (as a service binds it) is reachable from this machine. */
export function localUrl(host: string, port: number, pathname: string): string {
  const reachable = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}${pathname}`;
}

/** The port of the service's /healthz, /readyz and /metrics under `env` (its default when unset). */
export function healthPort(spec: ServiceSpec, env: Readonly<Record<string, string | undefined>>) {
  const value = env[spec.healthPortVar];
  return value === undefined || value === "" ? spec.defaultHealthPort : Number(value);
}

/** The base URL of the service's /healthz, /readyz and /metrics under `env`. */
export function healthUrl(
  spec: ServiceSpec,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return localUrl(env[spec.healthHostVar] ?? "127.0.0.1", healthPort(spec, env), "");
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for a service to bind right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}
