// Worker threads that scan rule previews' chunks (preview-scan.ts), shared by
// the previews of a process. A job's bytes are moved to the worker, not
// copied. The workers start with the first job and do not keep the process
// alive; a worker that dies fails its jobs and is replaced by the next job.
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ScanJob, ScanResult } from "./preview-scan.ts";

interface Pending {
  resolve: (result: ScanResult) => void;
  reject: (error: Error) => void;
}

interface Running {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Workers a process runs: one core is left to the main thread (and a broker beside it). */
function defaultScanWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * How a worker loads TypeScript: as the process does when it runs under tsx
 * (its flags name it), else through tsx's loader (tests).
 */
function execArgv(): string[] {
  if (process.execArgv.some((flag) => flag.includes("tsx"))) return process.execArgv;
  const loader = createRequire(import.meta.url).resolve("tsx");
  return ["--import", pathToFileURL(loader).href];
}

export class ScanWorkers {
  readonly #size: number;
  readonly #running: Running[] = [];
  #next = 0;

  constructor(size = defaultScanWorkers()) {
    this.#size = Math.max(1, size);
  }

  /** Scans `job` on the least busy worker; `job.buffers` are moved there (unusable here after). */
  run(job: ScanJob): Promise<ScanResult> {
    const running = this.#leastBusy();
    const id = this.#next++;
    return new Promise<ScanResult>((resolve, reject) => {
      // Kept alive while it has work, so that a process waiting only for it does not end.
      if (running.pending.size === 0) running.worker.ref();
      running.pending.set(id, { resolve, reject });
      running.worker.postMessage({ id, job }, job.buffers);
    });
  }

  /** Stops the workers; their jobs fail. */
  async close(): Promise<void> {
    const running = this.#running.splice(0);
    await Promise.all(running.map(({ worker }) => worker.terminate()));
  }

  #leastBusy(): Running {
    while (this.#running.length < this.#size) this.#running.push(this.#start());
    return this.#running.reduce((best, running) =>
      running.pending.size < best.pending.size ? running : best,
    );
  }

  #start(): Running {
    const worker = new Worker(new URL("./scan-worker.ts", import.meta.url), {
      execArgv: execArgv(),
    });
    worker.unref();
    const running: Running = { worker, pending: new Map() };
    const fail = (error: Error) => {
      const at = this.#running.indexOf(running);
      if (at >= 0) this.#running.splice(at, 1);
      for (const { reject } of running.pending.values()) reject(error);
      running.pending.clear();
    };
    worker.on(
      "message",
      ({ id, result, error }: { id: number; result?: ScanResult; error?: string }) => {
        const pending = running.pending.get(id);
        running.pending.delete(id);
        if (running.pending.size === 0) worker.unref();
        if (error !== undefined) pending?.reject(new Error(`rule preview scan failed: ${error}`));
        else if (result) pending?.resolve(result);
      },
    );
    worker.on("error", fail);
    worker.on("exit", (code) => {
      fail(new Error(`rule preview scan worker stopped (exit code ${String(code)})`));
    });
    return running;
  }
}
