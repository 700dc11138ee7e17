// One service as a child process, started exactly as `npm start` and the
// container images run it (`node --import tsx <entry>` from the repository
// root), configured only by the environment it is given. It can be waited on
// until ready, stopped gracefully, killed, and started again with the same
// settings. Each has an IPC channel, so it stops by itself when whoever
// started it dies (a crashed test runner or harness leaves nothing behind).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import {
  healthPort,
  healthUrl,
  repoRoot,
  SERVICES,
  type ServiceName,
  type ServiceSpec,
} from "./services.ts";

/** How a run of the process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When it ended (epoch ms). */
  at: number;
}

/** Where the process's stdout and stderr go. */
export type OutputTarget =
  /** Appended to a file (created if missing). */
  | { file: string }
  /** Handed on line by line. */
  | { lines: (line: string, stream: "stdout" | "stderr") => void }
  /** Kept in memory, for `output()` (tests). */
  | "memory";

export interface LaunchOptions {
  /** The child's whole environment: nothing else is inherited. */
  env: NodeJS.ProcessEnv;
  /** Its name in messages, e.g. "web-2" (default: the service's name). */
  label?: string;
  /** Node.js flags before the entry point, e.g. --cpu-prof. */
  nodeArgs?: readonly string[];
  output?: OutputTarget;
  /** Its own process group, so a terminal's Ctrl-C reaches only the parent. */
  detached?: boolean;
}

export const READY_TIMEOUT_MS = 120_000;
export const STOP_TIMEOUT_MS = 40_000;

const live = new Set<ServiceProcess>();

/** Every service process started here that has not exited, oldest first. */
export function liveServices(): ServiceProcess[] {
  return [...live];
}

export class ServiceProcess {
  readonly spec: ServiceSpec;
  readonly label: string;
  /** Base URL of /healthz, /readyz and /metrics, and its port. */
  readonly healthUrl: string;
  readonly healthPort: number;
  readonly #options: LaunchOptions;
  #child: ChildProcess | undefined;
  #exit: Exit | undefined;
  #exited = new Promise<Exit>(() => undefined);
  #output = "";

  constructor(service: ServiceName, options: LaunchOptions) {
    this.spec = SERVICES[service];
    this.label = options.label ?? service;
    this.healthUrl = healthUrl(this.spec, options.env);
    this.healthPort = healthPort(this.spec, options.env);
    this.#options = options;
  }

  /** Where its output goes, when that is a file. */
  get logFile(): string | undefined {
    const { output } = this.#options;
    return typeof output === "object" && "file" in output ? output.file : undefined;
  }

  /** The current run's process (throws before the first start). */
  get child(): ChildProcess {
    if (!this.#child) throw new Error(`${this.label} was never started`);
    return this.#child;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** True from start until the current run ends. */
  get running(): boolean {
    return this.#child !== undefined && this.#exit === undefined;
  }

  /** Settles when the current run has ended. */
  get exited(): Promise<Exit> {
    return this.#exited;
  }

  /** How the current run ended, or undefined while it runs. */
  exit(): Exit | undefined {
    return this.#exit;
  }

  /** Everything it printed, with output "memory" (all runs). */
  output(): string {
    return this.#output;
  }

  /** The last lines it printed, for error messages. */
  tail(lines = 30): string {
    const file = this.logFile;
    let text = this.#output;
    if (file !== undefined) {
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        text = "";
      }
    }
    return text.split("\n").slice(-lines).join("\n") || "(no output)";
  }

  /** Starts a new run; throws if one is still going. */
  start(): this {
    if (this.running) throw new Error(`${this.label} is already running`);
    const { env, nodeArgs = [], output = "memory", detached = false } = this.#options;
    const file = typeof output === "object" && "file" in output ? output.file : undefined;
    const fd = file === undefined ? undefined : fs.openSync(file, "a");
    const child: ChildProcess = spawn(
      process.execPath,
      [...nodeArgs, "--import", "tsx", this.spec.entry],
      {
        cwd: repoRoot,
        env,
        detached,
        stdio: ["ignore", fd ?? "pipe", fd ?? "pipe", "ipc"],
      },
    );
    if (fd !== undefined) fs.closeSync(fd);
    if (output === "memory") {
      const keep = (chunk: Buffer) => (this.#output += chunk.toString());
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
    } else if ("lines" in output) {
      forEachLine(child.stdout, (line) => {
        output.lines(line, "stdout");
      });
      forEachLine(child.stderr, (line) => {
        output.lines(line, "stderr");
      });
    }
    this.#child = child;
    this.#exit = undefined;
    live.add(this);
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#exit = { code, signal, at: Date.now() };
        live.delete(this);
        resolve(this.#exit);
      });
    });
    return this;
  }

  /** Polls /readyz until it answers 200; fails at once if the run ends first. */
  async waitUntilReady(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const url = `${this.healthUrl}/readyz`;
    const deadline = Date.now() + timeoutMs;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      const exit = this.#exit;
      if (exit) {
        throw new Error(
          `${this.label} exited (${describeExit(exit)}) before it was ready; it printed:\n${this.tail()}`,
        );
      }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
        if (response.ok) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(200);
    }
    throw new Error(
      `${this.label} was not ready after ${timeoutMs / 1000} s (${url}: ${last}); it printed:\n${this.tail()}`,
    );
  }

  /** Sends `signal` to the current run (to its whole group when detached). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid === undefined || !this.running) return;
    try {
      process.kill(this.#options.detached ? -pid : pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** `kill -9`: no shutdown code runs, nothing is flushed or committed. */
  async kill(): Promise<Exit | undefined> {
    if (!this.running) return this.#exit;
    this.signal("SIGKILL");
    return this.#exited;
  }

  /** SIGTERM (a graceful stop), then SIGKILL after `graceMs`; resolves with the exit. */
  async stop(graceMs = STOP_TIMEOUT_MS): Promise<Exit & { killed: boolean }> {
    if (!this.running) {
      const exit = this.#exit ?? { code: null, signal: null, at: Date.now() };
      return { ...exit, killed: false };
    }
    this.signal("SIGTERM");
    const timer = new AbortController();
    const result = await Promise.race([
      this.#exited,
      sleep(graceMs, "timeout" as const, { signal: timer.signal }).catch(() => "timeout" as const),
    ]);
    timer.abort();
    if (result !== "timeout") return { ...result, killed: false };
    this.signal("SIGKILL");
    return { ...(await this.#exited), killed: true };
  }
}

/** "code 1" or "signal SIGKILL". */
export function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

function forEachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => {
    if (pending) onLine(pending);
  });
}
