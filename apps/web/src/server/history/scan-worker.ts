// The worker thread of ScanWorkers: scans the jobs it is sent, one at a time.
import { parentPort } from "node:worker_threads";
import { scan, type ScanJob } from "./preview-scan.ts";

parentPort?.on("message", ({ id, job }: { id: number; job: ScanJob }) => {
  try {
    parentPort?.postMessage({ id, result: scan(job) });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  } finally {
    // Frees the fetch responses now rather than at this thread's next collection.
    for (const buffer of job.buffers) buffer.transfer(0);
  }
});
