// The machine and the code a run measured.
import { execFileSync } from "node:child_process";
import os from "node:os";
import { kafkaVersion } from "../../tooling/kafka/jars.ts";
import { repoRoot } from "./paths.ts";

/** CPU, memory, OS, Node and Kafka versions. */
export function describeMachine(brokers: string, brokerStartedByBench: boolean) {
  const cpus = os.cpus();
  return {
    os: os.type(),
    release: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cpus: cpus.length,
    memoryBytes: os.totalmem(),
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    kafka: kafkaVersion,
    kafkaBrokers: brokers,
    brokerStartedByBench,
  };
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

/** The commit checked out (short hash) and whether the tree has changes. */
export function gitCommit(): { commit: string; dirty: boolean } {
  return {
    commit: git(["rev-parse", "--short=12", "HEAD"]) || "unknown",
    dirty: git(["status", "--porcelain"]) !== "",
  };
}
