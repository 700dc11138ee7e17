// The harness's side of a load process (bench/load/load-process.ts).
import path from "node:path";
import { LoadReply, type LoadCommand } from "../load/protocol.ts";
import { spawnTracked, stopTracked, type Tracked } from "./processes.ts";
import { repoRoot } from "./paths.ts";

type ReplyOf<T extends LoadReply["type"]> = Extract<LoadReply, { type: T }>;

/** A running load process and a request/reply channel to it. */
export class LoadProcess {
  readonly tracked: Tracked;
  #waiting: ((reply: LoadReply) => void) | undefined;

  private constructor(tracked: Tracked) {
    this.tracked = tracked;
    tracked.child.on("message", (raw: unknown) => {
      const reply = LoadReply.safeParse(raw);
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(
        reply.success
          ? reply.data
          : { type: "error", message: `bad reply: ${reply.error.message}` },
      );
    });
  }

  /** Forks a load process; its output goes to `logFile`. */
  static start(name: string, logFile: string): LoadProcess {
    const tracked = spawnTracked(
      name,
      process.execPath,
      // Room for tens of thousands of sockets and their buffers.
      [
        "--max-old-space-size=4096",
        "--import",
        "tsx",
        path.join("bench", "load", "load-process.ts"),
      ],
      { cwd: repoRoot, env: process.env, logFile, ipc: true },
    );
    return new LoadProcess(tracked);
  }

  /** Sends `command` and waits for the reply of type `expect` (rejects on error or exit). */
  async request<T extends LoadReply["type"]>(
    command: LoadCommand,
    expect: T,
    timeoutMs: number,
  ): Promise<ReplyOf<T>> {
    if (this.#waiting) throw new Error("one request at a time");
    const reply = await new Promise<LoadReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined;
        reject(new Error(`${this.tracked.name}: no "${expect}" reply within ${timeoutMs} ms`));
      }, timeoutMs);
      void this.tracked.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.tracked.name} exited (code ${String(code)})`));
      });
      this.#waiting = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.tracked.child.send(command);
    });
    if (reply.type === "error") throw new Error(`${this.tracked.name}: ${reply.message}`);
    if (reply.type !== expect) throw new Error(`${this.tracked.name}: got ${reply.type}`);
    return reply as ReplyOf<T>;
  }

  /** Closes its sockets and lets it exit (killed if it takes more than 20 s). */
  async close(): Promise<void> {
    try {
      this.tracked.child.send({ type: "close" });
    } catch {
      // Already gone.
    }
    const timer = AbortSignal.timeout(20_000);
    await Promise.race([
      this.tracked.exited,
      new Promise((resolve) => {
        timer.addEventListener("abort", resolve);
      }),
    ]);
    await stopTracked(this.tracked, 5000);
  }
}
