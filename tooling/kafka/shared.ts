// Small helpers every part of the Kafka tool uses: the error type, logging,
// file reads that tolerate missing files, and timing.
import { Buffer } from "node:buffer";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const toolDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(toolDir, "..", "..");

// 127.0.0.1 rather than localhost: clients that resolve localhost to ::1 first
// would otherwise miss a listener bound to IPv4 only.
export const host = "127.0.0.1";

/** A failure the CLI reports as one line, without a stack trace. */
export class KafkaToolError extends Error {}

export type Log = (message: string) => void;

/** Where progress goes; defaults to stderr with a "[kafka]" prefix. */
export interface LogOption {
  log?: Log;
}

export const defaultLog: Log = (message) => process.stderr.write(`[kafka] ${message}\n`);

/** The `code` of a Node.js system error (ENOENT, ESRCH, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

/** The trimmed text of `file`, or "" when it is missing or unreadable. */
export function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

/** What `file` holds from byte `offset` on (from the start if it rolled over since). */
export function readFrom(file: string, offset: number): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const { size } = fs.fstatSync(fd);
    // The log may have rolled over since the offset was taken.
    const start = offset <= size ? offset : 0;
    const buffer = Buffer.alloc(size - start);
    fs.readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function fileSize(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seconds since `startedAt` (a Date.now() value), for log lines: "12.3s". */
export function elapsed(startedAt: number): string {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
}
