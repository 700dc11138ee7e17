// The labels of the posts a rule preview matches. Labels are not in the
// preprocessed record; they are in the topics' logs (tweetream.topic.<slug>),
// written by the classifier a moment after the preprocessed record. Each
// matched post's label is looked up in the log of its first topic over the
// preview's range plus LABEL_SLACK_MS, matching record keys (post ids) by
// their bytes (KeySet), without making strings of them or parsing the other
// records.
//
// The lookup runs while the scan does, so reading the topics' logs overlaps
// the scan's waits for the broker. Both go newest first. A topic's log is
// followed from its first matched post on, and a chunk of it is matched
// against the posts found so far only once the scan is FOLLOW_BEHIND_MS of
// record time past the chunk's oldest record: a label is written after its
// post, usually within milliseconds, so its post has been scanned by then.
//
// What the following misses, a post matched only after its label record went
// by (classified late), is found by a second pass at the end. It is exact
// whatever the lag: for the last post still without a label, the offsets
// each partition had been followed down to when that post was matched bound
// where a missed label can be, and only those offsets are read again.
import { OffsetOutOfRangeError, RecordCursor, type PostLabel } from "@tweetream/shared";
import { chunksDown, type Chunk } from "./log-chunks.ts";
import {
  HistoryExpiredError,
  partitionRanges,
  type LogSource,
  type PartitionRange,
} from "./log-range.ts";
import { KeySet } from "./key-set.ts";

/** How far past `to` a topic's log is read for labels (classification comes a moment later). */
export const LABEL_SLACK_MS = 60_000;
/** How far behind the scan, in record time, a topic's log is followed during it. */
const FOLLOW_BEHIND_MS = LABEL_SLACK_MS;

const LABELS: readonly (PostLabel | undefined)[] = [
  undefined,
  "traffic",
  "non_traffic",
  "not_classified",
];
const LABEL = /"label":"(traffic|non_traffic|not_classified)"/;

export interface LabelLookupOptions {
  /** The preview's range, epoch ms: [from, to). */
  from: number;
  to: number;
  /** Records read per partition per chunk. */
  chunkRecords: number;
  /** performance.now() after which no more is read; those not found are unknown. */
  deadline: number;
  signal?: AbortSignal | undefined;
  /** Whether a topic exists now; labels of a deleted topic's posts are unknown (default: all do). */
  topicExists?: ((slug: string) => boolean) | undefined;
}

/** A follower waiting for the scan to pass record time `until`. */
interface Waiter {
  until: number;
  resume: () => void;
}

/** The labels looked up in one topic's log. */
interface TopicLog {
  slug: string;
  /** The matched posts' ids; `codes[i]` is the index in LABELS of post i's label, 0 until found. */
  ids: KeySet;
  codes: Uint8Array;
  found: number;
  /** Undefined until known; empty when the topic has no log (deleted). */
  ranges: PartitionRange[] | undefined;
  /** Per range, the lowest offset followed so far: [lows[i], hi) was read. */
  lows: number[];
  /** After each chunk followed: how many posts were matched then, and `lows`. */
  marks: { size: number; lows: number[] }[];
  following: Promise<void>;
}

/**
 * Looks labels up while a preview's scan runs: `add` each matched post,
 * `scannedTo` as the scan goes down, `scanDone` when it ends, then `labels`.
 */
export class LabelLookup {
  readonly #source: LogSource;
  readonly #options: LabelLookupOptions;
  readonly #topics = new Map<string, TopicLog>();
  /** Stops the following when the scan fails or the caller aborts. */
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  /** Every post at or after this record time has been scanned (the scan's slowest partition). */
  #scanned = Number.POSITIVE_INFINITY;
  #scanDone = false;
  #waiting: Waiter[] = [];
  #error: Error | undefined;

  constructor(source: LogSource, options: LabelLookupOptions) {
    this.#source = source;
    this.#options = options;
    this.#signal = options.signal
      ? AbortSignal.any([options.signal, this.#stop.signal])
      : this.#stop.signal;
  }

  /** A matched post, whose label is in `slug`'s log. */
  add(id: string, slug: string): void {
    let log = this.#topics.get(slug);
    if (!log) {
      log = {
        slug,
        ids: new KeySet(),
        codes: new Uint8Array(1024),
        found: 0,
        ranges: undefined,
        lows: [],
        marks: [],
        following: Promise.resolve(),
      };
      this.#topics.set(slug, log);
      log.following = this.#follow(log).catch((error: unknown) => {
        this.#fail(error);
      });
    }
    const before = log.ids.size;
    const index = log.ids.add(id);
    if (index === before && index >= log.codes.length) {
      const grown = new Uint8Array(log.codes.length * 2);
      grown.set(log.codes);
      log.codes = grown;
    }
  }

  /** The scan has read every post at or after record time `at`. */
  scannedTo(at: number): void {
    this.#scanned = at;
    this.#resume((until) => at <= until);
  }

  /** The scan ended: no more posts will be added. */
  scanDone(): void {
    this.#scanDone = true;
    this.#resume(() => true);
  }

  /** Stops reading (the scan failed); `labels` is not to be called after. */
  close(): void {
    this.#stop.abort();
    this.#resume(() => true);
  }

  /**
   * After `scanDone`: the labels found, by post id, once the following has
   * ended and what it missed has been read again (within the deadline).
   */
  async labels(): Promise<Map<string, PostLabel>> {
    await Promise.all([...this.#topics.values()].map((log) => log.following));
    if (this.#error !== undefined) throw this.#error;
    for (const log of this.#topics.values()) {
      try {
        await this.#readAgain(log);
      } catch (error) {
        // Retention removed part of the log meanwhile: those labels stay unknown.
        if (!(error instanceof OffsetOutOfRangeError)) throw error;
      }
    }
    const found = new Map<string, PostLabel>();
    for (const log of this.#topics.values()) {
      for (let i = 0; i < log.ids.size; i++) {
        const label = LABELS[log.codes[i] ?? 0];
        if (label !== undefined) found.set(log.ids.key(i), label);
      }
    }
    return found;
  }

  #fail(error: unknown): void {
    // Retention removed part of the log meanwhile: those labels stay unknown.
    if (error instanceof OffsetOutOfRangeError) return;
    this.#error ??= error instanceof Error ? error : new Error(String(error));
    this.close();
  }

  #over(): boolean {
    return performance.now() >= this.#options.deadline || this.#signal.aborted;
  }

  #resume(ready: (until: number) => boolean): void {
    const still: Waiter[] = [];
    for (const waiter of this.#waiting) {
      if (ready(waiter.until)) waiter.resume();
      else still.push(waiter);
    }
    this.#waiting = still;
  }

  /** Resolves once the scan has passed record time `until` (or ended, or reading stopped). */
  #scanPassed(until: number): Promise<void> | undefined {
    if (this.#scanDone || this.#signal.aborted || this.#scanned <= until) return undefined;
    return new Promise((resume) => this.#waiting.push({ until, resume }));
  }

  async #follow(log: TopicLog): Promise<void> {
    log.ranges = await this.#rangesOf(log.slug);
    log.lows = log.ranges.map((r) => Number(r.hi));
    const topic = this.#source.topicOf(log.slug);
    await Promise.all(
      log.ranges.map(async (range, i) => {
        const cursor = new RecordCursor();
        for await (const chunk of chunksDown(
          this.#source,
          topic,
          range,
          this.#options.chunkRecords,
          this.#signal,
        )) {
          const oldest = chunk.batches[0];
          if (oldest)
            await this.#scanPassed(
              (oldest.logAppendTime ?? oldest.baseTimestamp) - FOLLOW_BEHIND_MS,
            );
          if (this.#over()) return;
          match(log, chunk, cursor);
          log.lows[i] = chunk.start;
          log.marks.push({ size: log.ids.size, lows: [...log.lows] });
          if (this.#scanDone && log.found === log.ids.size) return;
        }
      }),
    );
  }

  /** The topic's log over [from, to + slack), empty when it has none. */
  async #rangesOf(slug: string): Promise<PartitionRange[]> {
    if (this.#options.topicExists?.(slug) === false) return [];
    const topic = this.#source.topicOf(slug);
    const to = this.#options.to + LABEL_SLACK_MS;
    try {
      return await partitionRanges(this.#source, topic, { from: this.#options.from, to });
    } catch (error) {
      if (error instanceof HistoryExpiredError) return partitionRanges(this.#source, topic, { to });
      // The topic was deleted since: its posts' labels are unknown.
      return [];
    }
  }

  /**
   * Reads again, for the posts still without a label, the offsets followed
   * before the last of them was matched: where a label that went by before
   * its post was matched can be.
   */
  async #readAgain(log: TopicLog): Promise<void> {
    if (log.found === log.ids.size || !log.ranges || this.#over()) return;
    let last = log.ids.size - 1;
    while (last >= 0 && log.codes[last] !== 0) last--;
    // The last mark made before post `last` was matched (marks' sizes only grow).
    let mark: { lows: number[] } | undefined;
    for (const m of log.marks) {
      if (m.size > last) break;
      mark = m;
    }
    if (!mark) return;
    const topic = this.#source.topicOf(log.slug);
    const lows = mark.lows;
    await Promise.all(
      log.ranges.map(async (range, i) => {
        const lo = BigInt(lows[i] ?? range.hi);
        if (lo >= range.hi) return;
        const cursor = new RecordCursor();
        for await (const chunk of chunksDown(
          this.#source,
          topic,
          { ...range, lo },
          this.#options.chunkRecords,
          this.#signal,
        )) {
          match(log, chunk, cursor);
          if (log.found === log.ids.size || this.#over()) return;
        }
      }),
    );
  }
}

/** Records in `chunk` the labels of `log`'s posts still without one. */
function match(log: TopicLog, chunk: Chunk, cursor: RecordCursor): void {
  const { ids, codes } = log;
  for (const batch of chunk.batches) {
    if (batch.control) continue;
    cursor.reset(batch);
    while (cursor.next()) {
      const { bytes, offset, keyStart, valueStart } = cursor;
      if (offset < chunk.start || offset >= chunk.top) continue;
      if (keyStart < 0 || valueStart < 0) continue;
      const index = ids.indexOf(bytes, keyStart, cursor.keyEnd);
      if (index < 0 || codes[index] !== 0) continue;
      const label = LABEL.exec(bytes.toString("utf8", valueStart, cursor.valueEnd))?.[1];
      const code = label === undefined ? -1 : LABELS.indexOf(label as PostLabel);
      if (code <= 0) continue;
      codes[index] = code;
      log.found++;
    }
  }
}
