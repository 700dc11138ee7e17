// Rule preview: what a rule would have matched among the posts that passed
// through the preprocessed-posts topic in a time range, read from Kafka
// (docs/API.md, "Rule preview"). Only posts that matched some topic at the
// time were written there, so a preview sees nothing else.
//
// At 1,000 posts a second an hour is 3.6 million records. This thread reads
// the range newest first, a chunk of each partition at a time, and hands the
// chunks to worker threads that scan them (preview-scan.ts, ScanWorkers); it
// looks the matched posts' labels up in the topics' logs while they do
// (LabelLookup, preview-labels.ts). Zod runs only on the few sample posts
// that are sent back.
import {
  OffsetOutOfRangeError,
  PreprocessedPost,
  type PostLabel,
  type RecordBatch,
} from "@tweetream/shared";
import { parseRule } from "@tweetream/text";
import {
  expiredWhileReading,
  HistoryExpiredError,
  partitionRanges,
  type LogSource,
  type PartitionRange,
} from "./log-range.ts";
import { chunksDown, recordsIn } from "./log-chunks.ts";
import { LabelLookup } from "./preview-labels.ts";
import { offer, scanJob, type SampledPost, type ScanResult } from "./preview-scan.ts";
import { ScanWorkers } from "./scan-workers.ts";

/** Default range when `from` is not given: the last hour. */
export const DEFAULT_PREVIEW_RANGE_MS = 3_600_000;
/** Most sample posts one preview returns. */
export const MAX_PREVIEW_SAMPLE = 20;
/** Records fetched per partition per chunk, newest chunk first. */
const CHUNK_RECORDS = 10_000;
/** Most matched posts whose labels are looked up; the others count as unknown. */
const MAX_LABEL_LOOKUPS = 500_000;
/** Share of the time limit the scan may use when labels still have to be looked up. */
const SCAN_SHARE = 0.8;

/** Matched posts by label. */
export interface PreviewLabels {
  traffic: number;
  nonTraffic: number;
  notClassified: number;
  unknown: number;
}

/** One sample post: the preprocessed post and its label when found. */
export interface PreviewSamplePost {
  post: PreprocessedPost;
  label: PostLabel | undefined;
  /** Kafka record time, epoch ms. */
  timestamp: number;
}

/** A preview's figures, partial (during the scan) or final. */
export interface RulePreviewResult {
  rule: string;
  /** Epoch ms, the range actually scanned: [from, to). */
  from: number;
  to: number;
  scanned: number;
  total: number;
  matched: number;
  labels: PreviewLabels;
  sample: PreviewSamplePost[];
  complete: boolean;
}

export interface RulePreviewOptions {
  rule: string;
  /** Epoch ms; default `to` minus an hour (clamped to what Kafka keeps). Older than Kafka keeps: HistoryExpiredError. */
  from?: number | undefined;
  /** Epoch ms, exclusive; default now. */
  to?: number | undefined;
  /** Sample size, 0 to MAX_PREVIEW_SAMPLE. */
  first: number;
  /** Called about every `progressIntervalMs` while scanning, with the figures so far. */
  onProgress?: (partial: RulePreviewResult) => void;
  signal?: AbortSignal;
}

export interface RulePreviewLimits {
  /** Whole preview (scan and label lookup), ms (WEB_PREVIEW_TIME_LIMIT_MS). */
  timeLimitMs: number;
  /** Most preprocessed records one preview looks at (WEB_PREVIEW_MAX_SCANNED). */
  maxScanned: number;
  /** Least milliseconds between `onProgress` calls (WEB_PREVIEW_PROGRESS_MS, default 500); 0: after every chunk. */
  progressIntervalMs?: number;
  /** Records read per partition per chunk (default 10,000). */
  chunkRecords?: number;
  /** Whether a topic exists now; labels of a deleted topic's posts are unknown (default: all do). */
  topicExists?: (slug: string) => boolean;
  /** Worker threads that scan (default: one fewer than the cores, 1 to 4). */
  scanWorkers?: number;
}

/** Runs rule previews over the preprocessed-posts topic of one deployment. */
export class RulePreviewer {
  readonly #source: LogSource;
  readonly #topic: string;
  readonly #limits: RulePreviewLimits;
  readonly #now: () => number;
  readonly #workers: ScanWorkers;

  constructor(
    source: LogSource,
    preprocessedTopic: string,
    limits: RulePreviewLimits,
    now: () => number = Date.now,
  ) {
    this.#source = source;
    this.#topic = preprocessedTopic;
    this.#limits = limits;
    this.#now = now;
    this.#workers = new ScanWorkers(limits.scanWorkers);
  }

  /**
   * Scans the range newest first and returns the final figures. Throws
   * RuleSyntaxError for a bad rule, HistoryExpiredError for a `from` older
   * than Kafka keeps.
   */
  async preview(options: RulePreviewOptions): Promise<RulePreviewResult> {
    return (await this.start(options))();
  }

  /**
   * Checks the rule and the range (throwing RuleSyntaxError or
   * HistoryExpiredError), then returns the scan to run.
   */
  async start(options: RulePreviewOptions): Promise<() => Promise<RulePreviewResult>> {
    parseRule(options.rule);
    const to = options.to ?? this.#now();
    const { from, ranges } = await this.#ranges(options.from, to);
    return () => this.#scan(options, from, to, ranges);
  }

  /** Stops the scan workers. */
  async close(): Promise<void> {
    await this.#workers.close();
  }

  async #scan(
    options: RulePreviewOptions,
    from: number,
    to: number,
    ranges: PartitionRange[],
  ): Promise<RulePreviewResult> {
    const started = performance.now();
    const deadline = started + this.#limits.timeLimitMs;
    const scanDeadline = started + this.#limits.timeLimitMs * SCAN_SHARE;
    const total = ranges.reduce((sum, r) => sum + Number(r.hi - r.lo), 0);

    const first = Math.min(MAX_PREVIEW_SAMPLE, Math.max(0, options.first));
    const sample: SampledPost[] = [];
    /** The ids of the matched posts whose labels are looked up. */
    const matches: string[] = [];
    const size = this.#limits.chunkRecords ?? CHUNK_RECORDS;
    const lookup = new LabelLookup(this.#source, {
      from,
      to,
      chunkRecords: size,
      deadline,
      signal: options.signal,
      topicExists: this.#limits.topicExists,
    });
    let scanned = 0;
    /** Records sent to be scanned (the limits count these). */
    let claimed = 0;
    let matched = 0;
    let stopped = false;
    let lastProgress = started;

    const snapshot = (complete: boolean, labels?: Map<string, PostLabel>): RulePreviewResult => ({
      rule: options.rule,
      from,
      to,
      scanned,
      total,
      matched,
      labels: countLabels(matched, matches, labels),
      sample: sampleOf(sample, labels),
      complete,
    });

    const merge = (result: ScanResult): void => {
      scanned += result.scanned;
      matched += result.matched;
      for (let m = 0; m < result.ids.length; m++) {
        const id = result.ids[m];
        const topic = result.topics[m];
        if (matches.length >= MAX_LABEL_LOOKUPS || id === undefined || topic === undefined) break;
        matches.push(id);
        lookup.add(id, topic);
      }
      for (const { timestamp, post } of result.sample) offer(sample, first, timestamp, post);
    };

    // Set when one partition's read failed: the others stop too.
    let failed = false;
    const overLimit = () =>
      failed ||
      claimed >= this.#limits.maxScanned ||
      performance.now() >= scanDeadline ||
      options.signal?.aborted === true;
    const progressInterval = this.#limits.progressIntervalMs ?? 500;
    // Per partition, the record time of the oldest batch scanned; -Infinity once done.
    const reached = ranges.map((r) => (r.hi > r.lo ? Number.POSITIVE_INFINITY : -Infinity));
    const progressed = (i: number, at: number) => {
      reached[i] = at;
      lookup.scannedTo(Math.max(...reached));
    };

    try {
      await Promise.all(
        ranges.map(async (range, i) => {
          // Each partition gets its share of the post limit, so a scan stopped by it
          // covers the newest posts of every partition, not all of one.
          const share =
            total === 0
              ? 0
              : Math.ceil((this.#limits.maxScanned * Number(range.hi - range.lo)) / total);
          let mine = 0;
          try {
            for await (const chunk of chunksDown(
              this.#source,
              this.#topic,
              range,
              size,
              options.signal,
            )) {
              const picked: { batch: RecordBatch; skip: number }[] = [];
              // Newest batch first, so a stop keeps the newest posts.
              for (let b = chunk.batches.length - 1; b >= 0; b--) {
                const batch = chunk.batches[b];
                const inChunk = batch && !batch.control ? recordsIn(batch, chunk) : 0;
                if (!batch || inChunk <= 0) continue;
                if (mine >= share || overLimit()) {
                  stopped = true;
                  break;
                }
                // Over the share or the limit, the batch's oldest records are left out.
                const allowed = Math.min(share - mine, this.#limits.maxScanned - claimed);
                const skip = Math.max(0, inChunk - allowed);
                if (skip > 0) stopped = true;
                mine += inChunk - skip;
                claimed += inChunk - skip;
                picked.push({ batch, skip });
              }
              if (picked.length > 0) {
                merge(await this.#workers.run(scanJob(options.rule, first, chunk, picked)));
              }
              const oldest = chunk.batches[0];
              if (oldest) progressed(i, oldest.logAppendTime ?? oldest.baseTimestamp);
              const now = performance.now();
              if (options.onProgress && now - lastProgress >= progressInterval) {
                lastProgress = now;
                options.onProgress(snapshot(false));
              }
              if (stopped) return;
            }
          } catch (error) {
            failed = true;
            throw error;
          } finally {
            progressed(i, -Infinity);
          }
        }),
      );
    } catch (error) {
      lookup.close();
      if (error instanceof OffsetOutOfRangeError) {
        throw await expiredWhileReading(this.#source, this.#topic);
      }
      throw error;
    }
    lookup.scanDone();
    options.signal?.throwIfAborted();
    return snapshot(!stopped, await lookup.labels());
  }

  /** The range's offsets; a defaulted `from` is clamped to what Kafka keeps. */
  async #ranges(
    from: number | undefined,
    to: number,
  ): Promise<{ from: number; ranges: PartitionRange[] }> {
    const start = from ?? to - DEFAULT_PREVIEW_RANGE_MS;
    try {
      return {
        from: start,
        ranges: await partitionRanges(this.#source, this.#topic, { from: start, to }),
      };
    } catch (error) {
      if (from !== undefined || !(error instanceof HistoryExpiredError)) throw error;
      const kept = error.oldestAvailable;
      return {
        from: kept,
        ranges: await partitionRanges(this.#source, this.#topic, { from: kept, to }),
      };
    }
  }
}

function sampleOf(
  sample: readonly SampledPost[],
  labels: Map<string, PostLabel> | undefined,
): PreviewSamplePost[] {
  const posts: PreviewSamplePost[] = [];
  for (const { timestamp, post } of sample) {
    // Only the posts sent back are validated in full.
    const parsed = PreprocessedPost.safeParse(post);
    if (parsed.success)
      posts.push({ post: parsed.data, label: labels?.get(parsed.data.id), timestamp });
  }
  return posts;
}

function countLabels(
  matched: number,
  matches: readonly string[],
  found: Map<string, PostLabel> | undefined,
): PreviewLabels {
  const labels = { traffic: 0, nonTraffic: 0, notClassified: 0, unknown: 0 };
  if (found) {
    for (const id of matches) {
      const label = found.get(id);
      if (label === "traffic") labels.traffic++;
      else if (label === "non_traffic") labels.nonTraffic++;
      else if (label === "not_classified") labels.notClassified++;
    }
  }
  labels.unknown = matched - labels.traffic - labels.nonTraffic - labels.notClassified;
  return labels;
}
