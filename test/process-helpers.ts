// The services as real child processes (`node --import tsx apps/<app>/src/main.ts`,
// as `npm start` runs them), configured only by environment, for tests that
// signal or kill them. Every process started here is remembered, so `killAll()`
// in afterAll leaves none behind even when a test fails half-way; each also
// gets an IPC channel, so it stops by itself if the test runner dies.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { waitFor } from "@tweetream/shared/testing";

const root = path.resolve(import.meta.dirname, "..");

const entries = {
  classifier: "apps/classifier/src/main.ts",
  streamer: "apps/streamer/src/main.ts",
  web: "apps/web/src/main.ts",
} as const;

/** How a child process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When it ended (epoch ms). */
  at: number;
}

/** A running service process and what it printed. */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its JSON log lines so far (other lines skipped). */
  logs(): Record<string, unknown>[];
  /** Settles when the process has ended. */
  readonly exited: Promise<Exit>;
  /** The exit once it happened, else undefined. */
  exit(): Exit | undefined;
}

const started = new Set<ServiceProcess>();

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** Starts `app`'s main.ts as a child process with `env` on top of this process's environment. */
export function startService(
  app: keyof typeof entries,
  env: Readonly<Record<string, string>>,
  name: string = app,
): ServiceProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entries[app]], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal, at: Date.now() };
      resolve(exit);
    });
  });
  const service: ServiceProcess = {
    name,
    child,
    output: () => output,
    logs: () => parseLogLines(output),
    exited,
    exit: () => exit,
  };
  started.add(service);
  return service;
}

function parseLogLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
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
  return service
    .logs()
    .filter((line) => line.msg === msg)
    .at(-1);
}

/** Adds the service's output to an error, so a failing test shows what the process said. */
export function withOutput(service: ServiceProcess, error: unknown): Error {
  return new Error(`${String(error)}\n--- ${service.name} output ---\n${service.output()}`);
}

/** Waits until the service answers 200 on `/readyz`; fails at once if it exits first. */
export async function waitUntilReady(
  service: ServiceProcess,
  port: number,
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(
    async () => {
      const exit = service.exit();
      if (exit) {
        throw new Error(
          `${service.name} exited (code ${String(exit.code)}, signal ${String(exit.signal)}) before it was ready`,
        );
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`, {
          signal: AbortSignal.timeout(3000),
        });
        return response.ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    { timeoutMs, intervalMs: 200, what: `${service.name} to be ready` },
  ).catch((error: unknown) => {
    throw withOutput(service, error);
  });
}

/** Sends `signal` and waits for the exit (at most `timeoutMs`); returns it and how long it took. */
export async function signalAndWait(
  service: ServiceProcess,
  signal: NodeJS.Signals,
  timeoutMs = 40_000,
): Promise<Exit & { ms: number }> {
  const sentAt = Date.now();
  service.child.kill(signal);
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
    what: `${service.name} to exit`,
  }).catch((error: unknown) => {
    throw withOutput(service, error);
  });
  return { ...exit, ms: exit.at - since };
}

/** Kills (SIGKILL) every process started here that is still running, and waits for each. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...started].map(async (service) => {
      if (!service.exit()) service.child.kill("SIGKILL");
      await service.exited;
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
