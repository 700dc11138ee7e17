import type { PostLabel } from "@tweetream/shared";
import { compareKeys, type CursorKey } from "./cursor.ts";

interface Entry<T> {
  key: CursorKey;
  item: T;
}

/**
 * The latest `capacity` items of one topic in position order: a ring buffer,
 * so adding is O(1) when items come in order (the usual case) and evicts the
 * oldest. Items from different partitions may interleave out of order; they
 * are inserted in place.
 */
export class TopicHistory<T extends { post: { label: PostLabel } }> {
  readonly #slots: (Entry<T> | undefined)[];
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    }
    this.#slots = new Array<Entry<T> | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  #at(index: number): Entry<T> {
    const entry = this.#slots[(this.#head + index) % this.capacity];
    if (!entry) throw new Error(`history slot ${index} is empty`);
    return entry;
  }

  #set(index: number, entry: Entry<T>): void {
    this.#slots[(this.#head + index) % this.capacity] = entry;
  }

  /** Adds an item; false when it is already there or older than everything a full ring keeps. */
  add(key: CursorKey, item: T): boolean {
    let position = this.#size;
    while (position > 0) {
      const order = compareKeys(this.#at(position - 1).key, key);
      if (order === 0) return false;
      if (order < 0) break;
      position--;
    }
    if (this.#size === this.capacity) {
      if (position === 0) return false;
      this.#slots[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
      this.#size--;
      position--;
    }
    for (let index = this.#size; index > position; index--) this.#set(index, this.#at(index - 1));
    this.#set(position, { key, item });
    this.#size++;
    return true;
  }

  /** The number of items before `key` (binary search). */
  #countBefore(key: CursorKey): number {
    let low = 0;
    let high = this.#size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(this.#at(middle).key, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Up to `first` items older than `after` (or the newest), newest first. */
  page(options: {
    labels?: ReadonlySet<PostLabel> | undefined;
    first: number;
    after?: CursorKey | undefined;
  }): { items: T[]; hasNextPage: boolean } {
    const { labels, after } = options;
    const first = Math.max(0, Math.floor(options.first));
    const items: T[] = [];
    let index = (after ? this.#countBefore(after) : this.#size) - 1;
    for (; index >= 0; index--) {
      const { item } = this.#at(index);
      if (labels && !labels.has(item.post.label)) continue;
      if (items.length === first) return { items, hasNextPage: true };
      items.push(item);
    }
    return { items, hasNextPage: false };
  }

  /** Every item after `key`, oldest first. */
  since(key: CursorKey, labels?: ReadonlySet<PostLabel>): T[] {
    const items: T[] = [];
    for (let index = this.#countBefore(key); index < this.#size; index++) {
      const entry = this.#at(index);
      if (compareKeys(entry.key, key) === 0) continue;
      if (labels && !labels.has(entry.item.post.label)) continue;
      items.push(entry.item);
    }
    return items;
  }
}
