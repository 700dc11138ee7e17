// Rule preview: what a rule would have matched among the posts that passed
// through the preprocessed-posts topic in a time range, read from Kafka
// (docs/API.md, "Rule preview"). Only posts that matched some topic at the
// time were written there, so a preview sees nothing else.
//
// The hot path is this project's own: at 1,000 posts a second an hour is 3.6
// million records, so a record's value is decoded only as far as matching
// needs. A rule whose required words are all ASCII first looks for one of them
// in the lowercased JSON text of the record (a word of the post is always a
// substring of it, so this only skips posts that cannot match); only the
// records that pass are JSON-parsed, tokenized and matched exactly. Zod runs
// only on the few sample posts that are sent back.
//
// Labels are not in the preprocessed record; they are in the topics' logs
// (tweetream.topic.<slug>). Each matched post's label is looked up in the log
// of its first topic over the same range plus a little slack (the classifier
// writes a moment later), matching record keys (post ids) without parsing the
// other records.
import {
  OffsetOutOfRangeError,
  PreprocessedPost,
  type PostLabel,
  type RawRecord,
} from "@tweetream/shared";
import {
  compileRule,
  parseRule,
  prepareText,
  requiredTerms,
  type PostPredicate,
} from "@tweetream/text";
import {
  expiredWhileReading,
  HistoryExpiredError,
  partitionRanges,
  type LogSource,
  type PartitionRange,
} from "./log-range.ts";

/** Default range when `from` is not given: the last hour. */
export const DEFAULT_PREVIEW_RANGE_MS = 3_600_000;
/** How far past `to` a topic's log is read for labels (classification comes a moment later). */
export const LABEL_SLACK_MS = 60_000;
/** Most sample posts one preview returns. */
export const MAX_PREVIEW_SAMPLE = 20;
/** How often `onProgress` is called during a scan. */
export const PROGRESS_INTERVAL_MS = 500;
/** Records fetched per partition per chunk, newest chunk first. */
const CHUNK_RECORDS = 10_000;
/** Bytes asked for per fetch (about 10,000 typical posts). */
const FETCH_BYTES = 8 * 1024 * 1024;
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
  /** Called about every PROGRESS_INTERVAL_MS while scanning, with the figures so far. */
  onProgress?: (partial: RulePreviewResult) => void;
  signal?: AbortSignal;
}

export interface RulePreviewLimits {
  /** Whole preview (scan and label lookup), ms (WEB_PREVIEW_TIME_LIMIT_MS). */
  timeLimitMs: number;
  /** Most preprocessed records one preview looks at (WEB_PREVIEW_MAX_SCANNED). */
  maxScanned: number;
  /** Records read per partition per chunk (default 10,000). */
  chunkRecords?: number;
  /** Whether a topic exists now; labels of a deleted topic's posts are unknown (default: all do). */
  topicExists?: (slug: string) => boolean;
}

/** What a scan keeps of a matched post. */
interface Match {
  id: string;
  topic: string;
}

/** Runs rule previews over the preprocessed-posts topic of one deployment. */
export class RulePreviewer {
  readonly #source: LogSource;
  readonly #topic: string;
  readonly #limits: RulePreviewLimits;
  readonly #now: () => number;

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
    const node = parseRule(options.rule);
    const predicate = compileRule(node);
    const mayMatch = prefilter(requiredTerms(node));
    const to = options.to ?? this.#now();
    const { from, ranges } = await this.#ranges(options.from, to);
    return () => this.#scan(options, predicate, mayMatch, from, to, ranges);
  }

  async #scan(
    options: RulePreviewOptions,
    predicate: PostPredicate,
    mayMatch: ((json: string) => boolean) | undefined,
    from: number,
    to: number,
    ranges: PartitionRange[],
  ): Promise<RulePreviewResult> {
    const started = performance.now();
    const deadline = started + this.#limits.timeLimitMs;
    const scanDeadline = started + this.#limits.timeLimitMs * SCAN_SHARE;
    const total = ranges.reduce((sum, r) => sum + Number(r.hi - r.lo), 0);

    const first = Math.min(MAX_PREVIEW_SAMPLE, Math.max(0, options.first));
    const sample: { timestamp: number; post: unknown }[] = [];
    const matches: Match[] = [];
    let scanned = 0;
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

    const take = (record: RawRecord): void => {
      scanned++;
      const value = record.value;
      if (value === null) return;
      const json = value.toString("utf8");
      if (mayMatch && !mayMatch(json)) return;
      const post = postFields(json);
      if (!post || !predicate(prepareText(post.text, post.lang))) return;
      matched++;
      if (matches.length < MAX_LABEL_LOOKUPS && post.topic !== undefined)
        matches.push({ id: post.id, topic: post.topic });
      if (
        first > 0 &&
        (sample.length < first || record.timestamp > (sample.at(-1)?.timestamp ?? 0))
      )
        offer(sample, first, record.timestamp, post.raw);
    };

    // Set when one partition's read failed: the others stop too.
    let failed = false;
    const overLimit = () =>
      failed ||
      scanned >= this.#limits.maxScanned ||
      performance.now() >= scanDeadline ||
      options.signal?.aborted === true;
    const chunk = BigInt(this.#limits.chunkRecords ?? CHUNK_RECORDS);

    try {
      await Promise.all(
        ranges.map(async (range) => {
          // Each partition gets its share of the post limit, so a scan stopped by it
          // covers the newest posts of every partition, not all of one.
          const share =
            total === 0
              ? 0
              : Math.ceil((this.#limits.maxScanned * Number(range.hi - range.lo)) / total);
          let mine = 0;
          const records$ = chunksDown(this.#source, this.#topic, range, chunk, options.signal);
          try {
            for await (const records of records$) {
              // Newest first within a chunk too, so a stop mid-chunk keeps the newest.
              for (let i = records.length - 1; i >= 0; i--) {
                if (mine >= share || overLimit()) {
                  stopped = true;
                  return;
                }
                const record = records[i];
                if (record) take(record);
                mine++;
              }
              const now = performance.now();
              if (options.onProgress && now - lastProgress >= PROGRESS_INTERVAL_MS) {
                lastProgress = now;
                options.onProgress(snapshot(false));
              }
            }
          } catch (error) {
            failed = true;
            throw error;
          }
        }),
      );
    } catch (error) {
      if (error instanceof OffsetOutOfRangeError) {
        throw await expiredWhileReading(this.#source, this.#topic);
      }
      throw error;
    }
    options.signal?.throwIfAborted();
    const labels = this.#labels(chunk, matches, from, to, deadline, options.signal);
    return snapshot(!stopped, await labels);
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

  /**
   * The labels of `matches`, from their first topic's log over [from, to +
   * slack), newest first, until every id is found or the deadline passes;
   * those not found count as unknown.
   */
  async #labels(
    chunk: bigint,
    matches: readonly Match[],
    from: number,
    to: number,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, PostLabel>> {
    const found = new Map<string, PostLabel>();
    const byTopic = new Map<string, Set<string>>();
    for (const { id, topic } of matches) {
      const ids = byTopic.get(topic);
      if (ids) ids.add(id);
      else byTopic.set(topic, new Set([id]));
    }
    for (const [slug, ids] of byTopic) {
      if (this.#limits.topicExists?.(slug) === false) continue;
      const topic = this.#source.topicOf(slug);
      let ranges: PartitionRange[];
      try {
        ranges = await partitionRanges(this.#source, topic, { from, to: to + LABEL_SLACK_MS });
      } catch (error) {
        if (error instanceof HistoryExpiredError) {
          ranges = await partitionRanges(this.#source, topic, { to: to + LABEL_SLACK_MS });
        } else {
          // The topic was deleted since: its posts' labels are unknown.
          continue;
        }
      }
      const stop = () =>
        ids.size === 0 || performance.now() >= deadline || signal?.aborted === true;
      try {
        await Promise.all(
          ranges.map(async (range) => {
            for await (const records of chunksDown(this.#source, topic, range, chunk, signal)) {
              for (const record of records) {
                const id = record.key?.toString("utf8");
                if (id === undefined || !ids.has(id) || record.value === null) continue;
                const label = labelOf(record.value.toString("utf8"));
                if (label === undefined) continue;
                found.set(id, label);
                ids.delete(id);
              }
              if (stop()) return;
            }
          }),
        );
      } catch (error) {
        // Retention removed part of the log meanwhile: those labels stay unknown.
        if (!(error instanceof OffsetOutOfRangeError)) throw error;
      }
    }
    return found;
  }
}

/**
 * A cheap test that is false only for records that cannot match: none of the
 * rule's required terms (of which a matching post has one) is in the record's
 * lowercased JSON. Undefined (no test) when a term is not ASCII, where case
 * mapping could make the lowercased JSON differ from the post's words.
 */
export function prefilter(
  terms: readonly string[] | undefined,
): ((json: string) => boolean) | undefined {
  if (terms === undefined || terms.length === 0) return undefined;
  // A hashtag's body is in the text as written after "#" (or after a source's tag).
  const bodies = [...new Set(terms.map((t) => (t.startsWith("#") ? t.slice(1) : t)))];
  // eslint-disable-next-line no-control-regex -- ASCII is the point
  if (bodies.some((b) => b === "" || !/^[\x00-\x7f]+$/.test(b))) return undefined;
  if (bodies.length === 1) {
    const [only = ""] = bodies;
    return (json) => json.toLowerCase().includes(only);
  }
  return (json) => {
    const lower = json.toLowerCase();
    return bodies.some((b) => lower.includes(b));
  };
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

const LABEL = /"label":"(traffic|non_traffic|not_classified)"/;

/** The label of a ClassifiedPost's JSON, without parsing the rest. */
function labelOf(json: string): PostLabel | undefined {
  const label = LABEL.exec(json)?.[1];
  return label === "traffic" || label === "non_traffic" || label === "not_classified"
    ? label
    : undefined;
}

/** Keeps `sample` the `size` newest by record time, newest first. */
function offer(
  sample: { timestamp: number; post: unknown }[],
  size: number,
  timestamp: number,
  post: unknown,
): void {
  let at = sample.findIndex((s) => s.timestamp < timestamp);
  if (at === -1) at = sample.length;
  sample.splice(at, 0, { timestamp, post });
  if (sample.length > size) sample.pop();
}

function sampleOf(
  sample: readonly { timestamp: number; post: unknown }[],
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
  matches: readonly Match[],
  found: Map<string, PostLabel> | undefined,
): PreviewLabels {
  const labels = { traffic: 0, nonTraffic: 0, notClassified: 0, unknown: 0 };
  if (found) {
    for (const { id } of matches) {
      const label = found.get(id);
      if (label === "traffic") labels.traffic++;
      else if (label === "non_traffic") labels.nonTraffic++;
      else if (label === "not_classified") labels.notClassified++;
    }
  }
  labels.unknown = matched - labels.traffic - labels.nonTraffic - labels.notClassified;
  return labels;
}

/**
 * The records of `range` in chunks of `size` records, newest chunk
 * first (each in offset order); the next chunk is fetched while the caller
 * works on this one.
 */
async function* chunksDown(
  source: LogSource,
  topic: string,
  range: PartitionRange,
  size: bigint,
  signal: AbortSignal | undefined,
): AsyncGenerator<RawRecord[]> {
  const load = async (top: bigint): Promise<{ start: bigint; records: RawRecord[] }> => {
    const start = top - size > range.lo ? top - size : range.lo;
    const records: RawRecord[] = [];
    let next = start;
    while (next < top) {
      signal?.throwIfAborted();
      const chunk = await source.reader.read(topic, range.partition, next, FETCH_BYTES);
      const last = chunk.records.at(-1);
      if (!last) break;
      for (const record of chunk.records) if (BigInt(record.offset) < top) records.push(record);
      next = BigInt(last.offset) + 1n;
    }
    return { start, records };
  };
  let pending = range.hi > range.lo ? load(range.hi) : undefined;
  try {
    while (pending) {
      const { start, records } = await pending;
      pending = start > range.lo ? load(start) : undefined;
      yield records;
    }
  } finally {
    // A stopped scan leaves its prefetch behind: nobody waits for it.
    pending?.catch(() => undefined);
  }
}
