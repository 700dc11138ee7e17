// stopOnSignals (src/lifecycle.ts) in a real child process: what it does with
// a first and a repeated SIGTERM, a stop that fails or hangs, and a signal that
// arrives during start-up. The fixture's start-up and stop end only when the
// test says so (a line on its stdin), so every signal lands exactly where the
// test means it to, whatever the machine's speed. The services themselves are
// signalled mid-stream on a real broker in test/graceful-shutdown.test.ts.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../src/testing.ts";

const fixture = path.join(import.meta.dirname, "fixtures", "signalled-service.ts");

interface Run {
  child: ChildProcess;
  messages(): string[];
  output(): string;
  waitForLog(msg: string): Promise<void>;
  say(line: string): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: ChildProcess[] = [];
afterEach(() => {
  for (const child of runs.splice(0)) child.kill("SIGKILL");
});

function run(env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  runs.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const messages = () =>
    output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
  return {
    child,
    messages,
    output: () => output,
    waitForLog: (msg) =>
      waitFor(() => (messages().includes(msg) ? true : undefined), {
        timeoutMs: 20_000,
        intervalMs: 10,
        what: `"${msg}" in the output`,
      }).then(() => undefined),
    say: (line) => {
      child.stdin.write(`${line}\n`);
    },
    exited: new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        resolve({ code, signal });
      });
    }),
  };
}

async function started(env: Record<string, string> = {}): Promise<Run> {
  const service = run(env);
  await service.waitForLog("waiting");
  service.say("started");
  await service.waitForLog("started");
  return service;
}

describe("stopOnSignals", () => {
  it("stops on SIGTERM, logs and ignores a second one while stopping, and exits 0", async () => {
    const service = await started();
    service.child.kill("SIGTERM");
    await service.waitForLog("stop called");
    service.child.kill("SIGTERM");
    await service.waitForLog("already stopping; signal ignored");
    expect(service.messages().filter((m) => m === "stop called")).toHaveLength(1);
    service.say("stopped");
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.messages().slice(-1)).toEqual(["stopped"]);
  });

  it("stops on SIGINT as on SIGTERM", async () => {
    const service = await started();
    service.child.kill("SIGINT");
    await service.waitForLog("stop called");
    service.say("stopped");
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });

  it("exits 1 and says so when the stop fails", async () => {
    const service = await started();
    service.child.kill("SIGTERM");
    await service.waitForLog("stop called");
    service.say("failed");
    expect(await service.exited).toEqual({ code: 1, signal: null });
    expect(service.output()).toContain("cleanup failed");
    expect(service.messages()).toContain("stop failed");
  });

  it("exits 1 when the stop takes longer than its timeout", async () => {
    const service = await started({ STOP_TIMEOUT_MS: "300" });
    service.child.kill("SIGTERM");
    expect(await service.exited).toEqual({ code: 1, signal: null });
    expect(service.messages()).toEqual([
      "waiting",
      "started",
      "stopping",
      "stop called",
      "stop timed out",
    ]);
  });

  it("waits for a start-up in progress, then stops what it started", async () => {
    const service = run();
    await service.waitForLog("waiting");
    service.child.kill("SIGTERM");
    await service.waitForLog("stopping");
    // Not stopped half-way: nothing is stopped before start-up ends.
    expect(service.messages()).not.toContain("stop called");
    service.say("started");
    await service.waitForLog("stop called");
    service.say("stopped");
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });
});
