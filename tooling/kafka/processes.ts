// Process control for broker JVMs (is it ours, alive, paused; signals) and the
// lock that serialises concurrent starts.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { KafkaToolError, errorCode, readText, sleep, type Log } from "./shared.ts";

const lockTimeoutMs = 120_000;
/** How long a clean stop (SIGTERM) may take before SIGKILL. */
export const stopTimeoutMs = 30_000;

// A pid file can outlive its process and the pid can be reused by something
// else, so check the command line before trusting (or killing) it.
export function isOurBroker(pid: number, propertiesFile: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (errorCode(error) !== "EPERM") return false;
  }
  let commandLine: string;
  try {
    // Zombies have an empty cmdline, so an exited-but-unreaped broker reads as gone.
    commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    const ps = spawnSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" });
    commandLine = ps.status === 0 ? ps.stdout : "";
  }
  return commandLine.includes("kafka.Kafka") && commandLine.includes(propertiesFile);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readText(`/proc/${pid}/stat`));
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}

/** True when the process is stopped (SIGSTOP). */
export function isPaused(pid: number): boolean {
  return /^\d+ \(.*\) [Tt]/.test(readText(`/proc/${pid}/stat`));
}

/** SIGTERM, then SIGKILL if the process is still there after `timeoutMs`. */
export async function terminate(
  pid: number,
  { log, timeoutMs }: { log: Log; timeoutMs: number },
): Promise<void> {
  // SIGTERM makes Kafka shut down cleanly (flushes logs, no recovery next start).
  signal(pid, "SIGTERM");
  // A paused (SIGSTOPped) node would hold the SIGTERM until resumed.
  signal(pid, "SIGCONT");
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      log(`broker (pid ${pid}) did not exit within ${timeoutMs / 1000}s; sending SIGKILL`);
      signal(pid, "SIGKILL");
      await sleep(500);
      return;
    }
    await sleep(200);
  }
}

/** Sends `name` to `pid`; a process that is already gone is fine. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (errorCode(error) !== "ESRCH") throw error;
  }
}

/**
 * Runs `fn` while holding `lockDir` (made with mkdir, which is atomic), so
 * that of several test runners starting at once only one formats and spawns.
 * `what` names the thing being started in the waiting message.
 */
export async function withStartLock<T>(
  lockDir: string,
  what: string,
  log: Log,
  fn: () => Promise<T>,
): Promise<T> {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const ownerFile = path.join(lockDir, "owner");
  const deadline = Date.now() + lockTimeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(ownerFile, `${process.pid}\n`);
      break;
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
    const owner = Number(readText(ownerFile));
    const ageMs =
      Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    // A lock whose owner died (or died before writing its pid) must not block forever.
    if ((owner && !isAlive(owner)) || (!owner && ageMs > 10_000)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    const ownerName = owner ? String(owner) : "?";
    if (Date.now() > deadline) {
      throw new KafkaToolError(
        `timed out waiting for another start (pid ${ownerName}) holding ${lockDir}`,
      );
    }
    if (!announced) log(`another process (pid ${ownerName}) is starting ${what}; waiting ...`);
    announced = true;
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
