// A set of strings looked up by their UTF-8 bytes where they lie in a buffer:
// a record key read with RecordCursor, without making a string of it. A rule
// preview looks up each record key of its topics' logs among the posts it
// matched (hundreds of thousands of records); `toString` and a Set lookup
// cost about 750 ns a record here, a byte hash and compare about a tenth of
// that (docs/BENCHMARKS.md, "Rule preview"). Keys are added while lookups go
// on: a preview's scan adds the posts it matches as it finds them.

/** FNV-1a over `bytes[start, end)`. */
function hash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] ?? 0), 0x01000193);
  return h >>> 0;
}

export class KeySet {
  readonly #keys: string[] = [];
  /** Every key's UTF-8 bytes, one after another; `#used` of them are taken. */
  #encoded = Buffer.alloc(256);
  #used = 0;
  /** Key i's bytes are `#encoded[#starts[i], #starts[i + 1])`. */
  #starts = new Int32Array(64);
  /** Open addressing: key index + 1, 0 for an empty slot; at most half full. */
  #slots = new Int32Array(16);
  #mask = 15;

  /** A set of `keys`; a repeat is dropped. */
  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.add(key);
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The key at `index` (0 to size - 1). */
  key(index: number): string {
    const key = this.#keys[index];
    if (key === undefined) throw new RangeError(`no key ${String(index)}`);
    return key;
  }

  /** Adds `key` unless its UTF-8 bytes are there already; returns its index either way. */
  add(key: string): number {
    const length = Buffer.byteLength(key, "utf8");
    if (this.#used + length > this.#encoded.length) {
      const grown = Buffer.alloc(Math.max(this.#encoded.length * 2, this.#used + length));
      this.#encoded.copy(grown, 0, 0, this.#used);
      this.#encoded = grown;
    }
    const start = this.#used;
    this.#encoded.write(key, start, "utf8");
    const known = this.indexOf(this.#encoded, start, start + length);
    if (known >= 0) return known;
    const index = this.#keys.length;
    if (index + 2 > this.#starts.length) {
      const grown = new Int32Array(this.#starts.length * 2);
      grown.set(this.#starts);
      this.#starts = grown;
    }
    this.#keys.push(key);
    this.#used += length;
    this.#starts[index + 1] = this.#used;
    if ((index + 1) * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    else this.#place(index);
    return index;
  }

  /** The index of the key whose UTF-8 bytes are `bytes[start, end)`, or -1. */
  indexOf(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const encoded = this.#encoded;
    const starts = this.#starts;
    let slot = hash(bytes, start, end) & this.#mask;
    for (;;) {
      const entry = this.#slots[slot] ?? 0;
      if (entry === 0) return -1;
      const index = entry - 1;
      const at = starts[index] ?? 0;
      if ((starts[index + 1] ?? 0) - at === length) {
        let i = 0;
        while (i < length && encoded[at + i] === bytes[start + i]) i++;
        if (i === length) return index;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  #place(index: number): void {
    const start = this.#starts[index] ?? 0;
    let slot = hash(this.#encoded, start, this.#starts[index + 1] ?? 0) & this.#mask;
    while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
    this.#slots[slot] = index + 1;
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    for (let i = 0; i < this.#keys.length; i++) this.#place(i);
  }
}
