import { createServer, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import type { AddressInfo } from "node:net";

/** A readiness check: resolves when the dependency is usable, rejects otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthServer {
  /** The port it listens on (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Runs the checks for `/readyz` and answers 200 with each check's result, or
 * 503 naming the checks that failed. Each check gets `timeoutMs` (default 2 s).
 */
export async function runReadinessChecks(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs = 2000,
): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        return [name, "ok"] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: entries.every(([, v]) => v === "ok"), checks: Object.fromEntries(entries) };
}

/** Answers `/metrics` in the Prometheus text format. */
export async function serveMetrics(registry: Registry, response: ServerResponse): Promise<void> {
  try {
    const body = await registry.metrics();
    response.writeHead(200, { "content-type": registry.contentType });
    response.end(body);
  } catch (error) {
    response.writeHead(500, { "content-type": "text/plain" });
    response.end(String(error));
  }
}

/**
 * A small HTTP server for services without one of their own: `/healthz`
 * (the process is alive), `/readyz` (every readiness check passes) and
 * `/metrics` (Prometheus) when a registry is given.
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  checks: Readonly<Record<string, ReadinessCheck>>;
  metrics?: Registry;
}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = request.url?.split("?")[0];
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (path === "/healthz") {
      reply(200, { status: "ok" });
    } else if (path === "/readyz") {
      runReadinessChecks(options.checks).then(
        (result) => {
          reply(result.ok ? 200 : 503, result);
        },
        (error: unknown) => {
          reply(500, { ok: false, error: String(error) });
        },
      );
    } else if (path === "/metrics" && options.metrics) {
      void serveMetrics(options.metrics, response);
    } else {
      reply(404, { error: "not found" });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
