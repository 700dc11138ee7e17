import os from "node:os";
import { loadModel, type Model } from "../model.ts";

/** Options of {@link measureInference}. */
export interface MeasureInferenceOptions {
  /** Preprocessed texts (`PreprocessedPost.cleanText`), cycled through as often as needed. */
  posts: readonly string[];
  /** Posts per `classify` call, each measured separately (default 1, 64, 512, 4096). */
  batchSizes?: readonly number[];
  /** Measuring time per batch size, after a warm-up of a fifth of it (default 2,000 ms). */
  durationMs?: number;
  /** The model to measure (default: `loadModel(modelDir)`, closed afterwards). */
  model?: Model;
  /** Folder of the model to load when `model` is not given (default: the committed model). */
  modelDir?: string;
}

/** Throughput of one batch size. */
export interface BatchMeasurement {
  batchSize: number;
  /** Posts classified while measuring. */
  posts: number;
  calls: number;
  seconds: number;
  postsPerSecond: number;
  /** CPU time of the whole process while measuring (user + system, all threads). */
  cpuSeconds: number;
  /** Posts per CPU second: less sensitive than postsPerSecond to other load on the machine. */
  postsPerCpuSecond: number;
  /** Wall time of one `classify` call, in milliseconds. */
  callMs: { mean: number; p50: number; p99: number };
}

/** What {@link measureInference} measured, JSON-serialisable. */
export interface InferenceMeasurement {
  model: { name: string; version: string };
  /** Distinct posts cycled through. */
  distinctPosts: number;
  durationMs: number;
  node: string;
  cpu: string;
  results: BatchMeasurement[];
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Classifies batches back to back for `durationMs`; returns the call times. */
async function run(
  model: Model,
  posts: readonly string[],
  batchSize: number,
  durationMs: number,
): Promise<{ posts: number; seconds: number; cpuSeconds: number; callMs: number[] }> {
  // Batches are prepared up front so that slicing is not measured.
  const batchCount = Math.max(1, Math.min(64, Math.ceil(posts.length / batchSize)));
  const batches = Array.from({ length: batchCount }, (_, b) =>
    Array.from({ length: batchSize }, (_, i) => posts[(b * batchSize + i) % posts.length] ?? ""),
  );
  const callMs: number[] = [];
  let classified = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  for (let call = 0; ; call++) {
    const batch = batches[call % batches.length] ?? [];
    const before = performance.now();
    await model.classify(batch);
    const after = performance.now();
    callMs.push(after - before);
    classified += batch.length;
    if (after >= deadline) {
      const { user, system } = process.cpuUsage(cpu);
      return {
        posts: classified,
        seconds: (after - started) / 1000,
        cpuSeconds: (user + system) / 1e6,
        callMs,
      };
    }
  }
}

/**
 * Measures the model's throughput in this process (one ONNX Runtime thread; pin the process
 * with `taskset -c 0` for per-core figures) for each batch size, from clean text to
 * predictions. It measures and reports; it never judges the figures.
 */
export async function measureInference({
  posts,
  batchSizes = [1, 64, 512, 4096],
  durationMs = 2000,
  model: given,
  modelDir,
}: MeasureInferenceOptions): Promise<InferenceMeasurement> {
  if (posts.length === 0) throw new Error("measureInference needs at least one post");
  const model = given ?? (await loadModel(modelDir));
  try {
    const results: BatchMeasurement[] = [];
    for (const batchSize of batchSizes) {
      if (!Number.isInteger(batchSize) || batchSize < 1) {
        throw new Error(`batch size ${String(batchSize)} is not a positive integer`);
      }
      await run(model, posts, batchSize, durationMs / 5);
      const measured = await run(model, posts, batchSize, durationMs);
      const sorted = [...measured.callMs].sort((a, b) => a - b);
      const total = sorted.reduce((sum, ms) => sum + ms, 0);
      results.push({
        batchSize,
        posts: measured.posts,
        calls: sorted.length,
        seconds: measured.seconds,
        postsPerSecond: measured.posts / measured.seconds,
        cpuSeconds: measured.cpuSeconds,
        postsPerCpuSecond: measured.posts / measured.cpuSeconds,
        callMs: {
          mean: total / sorted.length,
          p50: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
        },
      });
    }
    return {
      model: { name: model.name, version: model.version },
      distinctPosts: posts.length,
      durationMs,
      node: process.version,
      cpu: os.cpus()[0]?.model ?? "unknown",
      results,
    };
  } finally {
    if (!given) await model.close();
  }
}
