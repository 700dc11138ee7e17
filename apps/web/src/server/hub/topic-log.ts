import type { PostLabel, PostSource } from "@tweetream/shared";
import { covers, isBefore, type Position } from "./cursor.ts";
import { passes, type PostFilter } from "./post-filter.ts";

/** What the log needs of an item: its Kafka position, label and source. */
export interface LogItem {
  partition: number;
  offset: bigint;
  post: { label: PostLabel; source: PostSource };
}

/**
 * The latest `capacity` items of one topic, kept once per web process in the
 * order this process read them (each partition in offset order). Every item
 * has a sequence number, counting from 0 for the first item ever added, and a
 * subscriber is no more than the sequence number of the next item it is to
 * get: nothing is copied or queued per subscriber. A ring buffer, so adding is
 * O(1) and evicts the oldest item once full.
 */
export class TopicLog<T extends LogItem> {
  readonly #slots: (T | undefined)[];
  /** Sequence number of the oldest item kept. */
  #start = 0;
  /** Sequence number the next item will get. */
  #end = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    }
    this.#slots = new Array<T | undefined>(capacity);
  }

  /** Sequence number of the oldest item kept (the end when empty). */
  get start(): number {
    return this.#start;
  }

  /** Sequence number of the next item to be added. */
  get end(): number {
    return this.#end;
  }

  get size(): number {
    return this.#end - this.#start;
  }

  /** Adds an item at the end, evicting the oldest when full. */
  append(item: T): void {
    if (this.size === this.capacity) {
      this.#slots[this.#start % this.capacity] = undefined;
      this.#start++;
    }
    this.#slots[this.#end % this.capacity] = item;
    this.#end++;
  }

  /**
   * Takes every kept item `drop` picks out of the log and returns them. Their
   * slots stay as holes, so sequence numbers (readers' positions) do not move.
   */
  remove(drop: (item: T) => boolean): T[] {
    const removed: T[] = [];
    for (let seq = this.#start; seq < this.#end; seq++) {
      const item = this.at(seq);
      if (item && drop(item)) {
        this.#slots[seq % this.capacity] = undefined;
        removed.push(item);
      }
    }
    return removed;
  }

  /** The item with sequence number `seq`, or undefined when it is not kept (or removed). */
  at(seq: number): T | undefined {
    return seq >= this.#start && seq < this.#end ? this.#slots[seq % this.capacity] : undefined;
  }

  /**
   * The sequence number to read from to get every kept item after `position`:
   * the first that `position` does not cover. Items after it may still be
   * covered (partitions interleave); a reader skips those.
   */
  firstAfter(position: Position): number {
    for (let seq = this.#start; seq < this.#end; seq++) {
      const item = this.at(seq);
      if (item && !covers(position, item.partition, item.offset)) return seq;
    }
    return this.#end;
  }

  /** Up to `first` items before `before` (or the newest) that `filter` lets through, newest first. */
  page(options: {
    filter?: PostFilter | undefined;
    first: number;
    before?: Position | undefined;
  }): { items: T[]; hasNextPage: boolean } {
    const { filter, before } = options;
    const first = Math.max(0, Math.floor(options.first));
    const items: T[] = [];
    for (let seq = this.#end - 1; seq >= this.#start; seq--) {
      const item = this.at(seq);
      if (!item) continue;
      if (before && !isBefore(before, item.partition, item.offset)) continue;
      if (!passes(filter, item.post)) continue;
      if (items.length === first) return { items, hasNextPage: true };
      items.push(item);
    }
    return { items, hasNextPage: false };
  }
}
