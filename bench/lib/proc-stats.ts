// CPU and memory of a process from /proc (Linux), sampled while a step runs.
import fs from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ; 100 on every Linux this runs on

/** CPU seconds (user + system) and resident memory of `pid`, or undefined when it is gone. */
export function procStats(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may contain spaces, inside ( ).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/**
 * The soft limit of open files (`ulimit -n`) of `pid`, by default this
 * process's, which its children inherit; Infinity when unknown.
 */
export function openFilesLimit(pid: number | "self" = "self"): number {
  try {
    const limits = fs.readFileSync(`/proc/${String(pid)}/limits`, "utf8");
    const soft = /Max open files\s+(\d+|unlimited)/.exec(limits)?.[1];
    return soft === undefined || soft === "unlimited" ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Busy and total CPU time of the whole machine so far, in seconds (from /proc/stat). */
export function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}
