// A rule preview's work on one chunk of the preprocessed-posts log: which of
// its records the rule matches. It runs in a worker thread (scan-workers.ts)
// so that the main thread only reads Kafka, looks labels up and answers the
// other requests: on this 2-core machine the scan alone kept the main thread
// busy for most of a preview (docs/BENCHMARKS.md, "Rule preview").
//
// Records are read from the record batches without building an object per
// record (RecordCursor), and a record's value is decoded only when it may
// match: RuleScreen looks for the rule's words in each batch's bytes at once
// and evaluates the rule on which words each record holds. Only the records
// that pass are JSON-parsed, tokenized and matched exactly.
// The worker imports only what it needs of the packages (the package indexes
// load kafkajs, pino, zod and the preprocessing lists: 0.4 s of start-up).
import { RecordCursor, type RecordBatch } from "@tweetream/shared/record-batches";
import { compileRule, parseRule, prepareText, type PostPredicate } from "@tweetream/text/rules";
import type { Chunk } from "./log-chunks.ts";
import { RuleScreen } from "./rule-screen.ts";

/** One record batch of a job: its records are bytes [start, end) of `ScanJob.buffers[buffer]`. */
export interface ScanBatch {
  buffer: number;
  baseOffset: number;
  nextOffset: number;
  baseTimestamp: number;
  logAppendTime: number | undefined;
  count: number;
  start: number;
  end: number;
  /** How many of its first (oldest) records in the chunk are left out (a limit was reached). */
  skip: number;
}

/** The records of one chunk of one partition to scan. */
export interface ScanJob {
  rule: string;
  /** How many of the newest matched posts to send back whole. */
  first: number;
  /** The chunk's offsets: [start, top). */
  start: number;
  top: number;
  batches: ScanBatch[];
  /** The fetch responses holding the batches, moved to the worker. */
  buffers: ArrayBuffer[];
}

/** A matched post sent back whole. */
export interface SampledPost {
  /** Kafka record time, epoch ms. */
  timestamp: number;
  post: unknown;
}

export interface ScanResult {
  scanned: number;
  matched: number;
  /** The matched posts that name a topic: their ids and first topics. */
  ids: string[];
  topics: string[];
  /** The job's `first` newest matched posts, newest first. */
  sample: SampledPost[];
}

interface CompiledRule {
  rule: string;
  predicate: PostPredicate;
  screen: RuleScreen | undefined;
}

let compiled: CompiledRule | undefined;

/** The rule, compiled once for the jobs of a preview. */
function compile(rule: string): CompiledRule {
  if (compiled?.rule !== rule) {
    const node = parseRule(rule);
    compiled = { rule, predicate: compileRule(node), screen: RuleScreen.for(node) };
  }
  return compiled;
}

/** Scans a job's records. */
export function scan(job: ScanJob): ScanResult {
  const { predicate, screen } = compile(job.rule);
  const buffers = job.buffers.map((buffer) => Buffer.from(buffer));
  const result: ScanResult = { scanned: 0, matched: 0, ids: [], topics: [], sample: [] };
  const cursor = new RecordCursor();
  for (const scanBatch of job.batches) {
    const bytes = buffers[scanBatch.buffer] ?? Buffer.alloc(0);
    const batch: RecordBatch = { ...scanBatch, control: false, bytes };
    let skip = scanBatch.skip;
    screen?.batch(bytes, batch.start, batch.end);
    cursor.reset(batch);
    while (cursor.next()) {
      if (cursor.offset < job.start || cursor.offset >= job.top) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      result.scanned++;
      if (cursor.valueStart < 0) continue;
      if (screen && !screen.mayMatch(cursor.valueStart, cursor.valueEnd)) continue;
      const post = postFields(bytes.toString("utf8", cursor.valueStart, cursor.valueEnd));
      if (!post || !predicate(prepareText(post.text, post.lang))) continue;
      result.matched++;
      if (post.topic !== undefined) {
        result.ids.push(post.id);
        result.topics.push(post.topic);
      }
      offer(result.sample, job.first, cursor.timestamp, post.raw);
    }
  }
  return result;
}

/** What matching needs of a preprocessed record, without zod; undefined when it is not one. */
function postFields(
  json: string,
): { id: string; text: string; lang: string; topic: string | undefined; raw: unknown } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const { id, text, lang, topics } = raw as Record<string, unknown>;
  if (typeof id !== "string" || typeof text !== "string" || typeof lang !== "string")
    return undefined;
  const topic = Array.isArray(topics) && typeof topics[0] === "string" ? topics[0] : undefined;
  return { id, text, lang, topic, raw };
}

/** Keeps `sample` the `size` newest by record time, newest first. */
export function offer(sample: SampledPost[], size: number, timestamp: number, post: unknown): void {
  if (size <= 0 || (sample.length >= size && timestamp <= (sample.at(-1)?.timestamp ?? 0))) return;
  let at = sample.findIndex((s) => s.timestamp < timestamp);
  if (at === -1) at = sample.length;
  sample.splice(at, 0, { timestamp, post });
  if (sample.length > size) sample.pop();
}

/**
 * The job that scans `picked` of `chunk`. It takes the fetch responses that
 * hold them (socket.ts reads each into an ArrayBuffer of its own, which
 * nothing else uses once it is decoded); a batch in a smaller buffer, which
 * may be Buffer's shared pool, is copied.
 */
export function scanJob(
  rule: string,
  first: number,
  chunk: Chunk,
  picked: readonly { batch: RecordBatch; skip: number }[],
): ScanJob {
  const buffers: ArrayBuffer[] = [];
  const index = new Map<ArrayBufferLike, number>();
  const batches = picked.map(({ batch, skip }) => {
    let { buffer, byteOffset } = batch.bytes;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength <= Buffer.poolSize) {
      const own = Buffer.allocUnsafeSlow(batch.end - batch.start);
      batch.bytes.copy(own, 0, batch.start, batch.end);
      buffer = own.buffer;
      byteOffset = -batch.start;
    }
    let at = index.get(buffer);
    if (at === undefined) {
      at = buffers.push(buffer) - 1;
      index.set(buffer, at);
    }
    return {
      buffer: at,
      baseOffset: batch.baseOffset,
      nextOffset: batch.nextOffset,
      baseTimestamp: batch.baseTimestamp,
      logAppendTime: batch.logAppendTime,
      count: batch.count,
      start: byteOffset + batch.start,
      end: byteOffset + batch.end,
      skip,
    };
  });
  return { rule, first, start: chunk.start, top: chunk.top, batches, buffers };
}
