// A partition's offset range read newest first in chunks of record batches,
// the next chunk fetched while the caller works on this one. Rule previews
// read the preprocessed-posts log this way (so a stopped scan keeps the
// newest posts) and their topics' logs for labels.
import type { RecordBatch } from "@tweetream/shared";
import type { LogSource, PartitionRange } from "./log-range.ts";

/**
 * Bytes asked for per fetch (about 4,000 typical posts). A preview of 600,000
 * posts took 1.76 s with 2 MiB fetches, 2.24 s with 8 MiB ones (fresh large
 * buffers), 2.52 s with 256 KiB ones (docs/BENCHMARKS.md, "Rule preview").
 */
const FETCH_BYTES = 2 * 1024 * 1024;

/** The batches holding a partition's offsets [start, top), in offset order (the first and last may reach past). */
export interface Chunk {
  start: number;
  top: number;
  batches: RecordBatch[];
}

/** How many of `batch`'s offsets are in `chunk` (its records, unless compaction removed some). */
export function recordsIn(batch: RecordBatch, chunk: Chunk): number {
  return Math.min(chunk.top, batch.nextOffset) - Math.max(chunk.start, batch.baseOffset);
}

/**
 * The record batches of `range` in chunks of `size` offsets, newest chunk
 * first; the next chunk is fetched while the caller works on this one.
 */
export async function* chunksDown(
  source: LogSource,
  topic: string,
  range: PartitionRange,
  size: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Chunk> {
  const lo = Number(range.lo);
  // Aborted when the caller stops early, so the chunk read ahead stops too.
  const done = new AbortController();
  const stop = signal ? AbortSignal.any([signal, done.signal]) : done.signal;
  const load = async (top: number): Promise<Chunk> => {
    const start = Math.max(lo, top - size);
    const batches: RecordBatch[] = [];
    let next = start;
    while (next < top) {
      stop.throwIfAborted();
      const fetched = await source.reader.readBatches(
        topic,
        range.partition,
        BigInt(next),
        FETCH_BYTES,
      );
      const end = fetched.batches.at(-1)?.nextOffset ?? next;
      if (end <= next) break;
      for (const batch of fetched.batches)
        if (batch.nextOffset > next && batch.baseOffset < top) batches.push(batch);
      next = end;
    }
    return { start, top, batches };
  };
  let pending = range.hi > range.lo ? load(Number(range.hi)) : undefined;
  try {
    while (pending) {
      const chunk = await pending;
      pending = chunk.start > lo ? load(chunk.start) : undefined;
      yield chunk;
    }
  } finally {
    // A stopped scan's read-ahead ends after its current fetch; nobody waits for it.
    done.abort();
    pending?.catch(() => undefined);
  }
}
