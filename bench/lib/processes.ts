// Every process the harness starts is registered here (the services in
// tooling/launcher), so a normal end, a failure or Ctrl-C stops all of them
// (each in its own process group, so grandchildren such as a supervisor's
// services go too).
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { liveServices } from "../../tooling/launcher/service-process.ts";

/** A child process the harness started. */
export interface Tracked {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Where its stdout and stderr go. */
  readonly logFile: string;
}

const running = new Set<Tracked>();

/** True while the process has not exited. */
export function isRunning(tracked: Tracked): boolean {
  return tracked.child.exitCode === null && tracked.child.signalCode === null;
}

/** Spawns `command` detached (own process group), its output appended to `logFile`. */
export function spawnTracked(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions & { logFile: string; ipc?: boolean },
): Tracked {
  const out = fs.openSync(options.logFile, "a");
  const child = spawn(command, args, {
    ...options,
    detached: true,
    stdio: ["ignore", out, out, ...(options.ipc ? (["ipc"] as const) : [])],
  });
  fs.closeSync(out);
  const { pid } = child;
  if (pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      resolve(code);
    });
  });
  const tracked: Tracked = { name, child, pid, exited, logFile: options.logFile };
  running.add(tracked);
  void exited.then(() => running.delete(tracked));
  return tracked;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the process group, then SIGKILL after `graceMs`; resolves when it exited. */
export async function stopTracked(tracked: Tracked, graceMs = 15_000): Promise<number | null> {
  if (!isRunning(tracked)) {
    signalGroup(tracked.pid, "SIGKILL"); // leftovers of its group, if any
    return tracked.exited;
  }
  signalGroup(tracked.pid, "SIGTERM");
  const timer = new AbortController();
  const result = await Promise.race([
    tracked.exited,
    sleep(graceMs, "timeout" as const, { signal: timer.signal }).catch(() => "aborted" as const),
  ]);
  timer.abort();
  if (result === "timeout" || result === "aborted") {
    signalGroup(tracked.pid, "SIGKILL");
    return tracked.exited;
  }
  signalGroup(tracked.pid, "SIGKILL");
  return result;
}

/** Stops every process still running, the services (tooling/launcher) included, newest first. */
export async function stopAllTracked(graceMs = 15_000): Promise<void> {
  const all = [...running].reverse();
  for (const tracked of all) await stopTracked(tracked, graceMs);
  for (const service of liveServices().reverse()) await service.stop(graceMs);
}

/** Last lines of a log file, for error messages. */
export function tailOf(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
