// The services as real child processes, started by the one launcher
// (tooling/launcher) as `npm start` starts them, configured only by
// environment, for tests that signal or kill them. Every process started here
// is remembered, so `killAll()` in afterAll leaves none behind even when a test
// fails half-way; each also has an IPC channel, so it stops by itself if the
// test runner dies.
import { waitFor } from "@tweetream/shared/testing";
import { ServiceProcess, type Exit } from "../tooling/launcher/service-process.ts";
import type { ServiceName } from "../tooling/launcher/services.ts";

export { freePort } from "../tooling/launcher/services.ts";

export type { Exit, ServiceProcess };

const started = new Set<ServiceProcess>();

/**
 * Starts `app` as a child process with `env` on top of this process's
 * environment; its output is kept for `output()` and `logLines()`.
 */
export function startService(
  app: ServiceName,
  env: Readonly<Record<string, string>>,
  name: string = app,
): ServiceProcess {
  const service = new ServiceProcess(app, {
    env: { ...process.env, ...env },
    label: name,
    output: "memory",
  }).start();
  started.add(service);
  return service;
}

/** The JSON log lines the service printed so far (other lines skipped). */
export function logLines(service: ServiceProcess): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of service.output().split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === "object" && parsed !== null) lines.push({ ...parsed });
    } catch {
      // A line cut short by a kill, or not ours: not a log line.
    }
  }
  return lines;
}

/** The last log line of `service` whose message is `msg`, or undefined. */
export function logLine(service: ServiceProcess, msg: string): Record<string, unknown> | undefined {
  return logLines(service)
    .filter((line) => line.msg === msg)
    .at(-1);
}

/** Adds the service's output to an error, so a failing test shows what the process said. */
export function withOutput(service: ServiceProcess, error: unknown): Error {
  return new Error(`${String(error)}\n--- ${service.label} output ---\n${service.output()}`);
}

/** Sends `signal` and waits for the exit (at most `timeoutMs`); returns it and how long it took. */
export async function signalAndWait(
  service: ServiceProcess,
  signal: NodeJS.Signals,
  timeoutMs = 40_000,
): Promise<Exit & { ms: number }> {
  const sentAt = Date.now();
  service.signal(signal);
  return waitForExit(service, sentAt, timeoutMs);
}

/** Waits for the exit (at most `timeoutMs`); returns it and the time since `since` (epoch ms). */
async function waitForExit(
  service: ServiceProcess,
  since: number,
  timeoutMs = 40_000,
): Promise<Exit & { ms: number }> {
  const exit = await waitFor(() => service.exit(), {
    timeoutMs,
    intervalMs: 20,
    what: `${service.label} to exit`,
  }).catch((error: unknown) => {
    throw withOutput(service, error);
  });
  return { ...exit, ms: exit.at - since };
}

/** Kills (SIGKILL) every process started here that is still running, and waits for each. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...started].map(async (service) => {
      await service.kill();
      started.delete(service);
    }),
  );
}

/**
 * Partitions of `topic` a service has consumed from, read from its
 * `tweetream_consumer_lag` gauge on `/metrics` (set after each batch).
 */
export async function consumedPartitions(port: number, topic: string): Promise<number[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const partitions = new Set<number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("tweetream_consumer_lag{") || !line.includes(`topic="${topic}"`)) {
      continue;
    }
    const match = /partition="(\d+)"/.exec(line);
    if (match?.[1] !== undefined) partitions.add(Number(match[1]));
  }
  return [...partitions].sort((a, b) => a - b);
}
