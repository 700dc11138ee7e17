// A set of strings looked up by their UTF-8 bytes where they lie in a buffer:
// a record key read with RecordCursor, without making a string of it. A rule
// preview looks up each record key of its topics' logs among the posts it
// matched (hundreds of thousands of records); `toString` and a Set lookup
// cost about 750 ns a record here, a byte hash and compare about a tenth of
// that (docs/BENCHMARKS.md, "Rule preview").

/** FNV-1a over `bytes[start, end)`. */
function hash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] ?? 0), 0x01000193);
  return h >>> 0;
}

export class KeySet {
  readonly #keys: readonly string[];
  readonly #encoded: Buffer;
  /** Key i's bytes are `#encoded[#starts[i], #starts[i + 1])`. */
  readonly #starts: Int32Array;
  /** Open addressing: key index + 1, 0 for an empty slot. */
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** `keys` without repeats (a repeat is dropped). */
  constructor(keys: Iterable<string>) {
    const unique = [...new Set(keys)];
    this.#keys = unique;
    const parts = unique.map((key) => Buffer.from(key, "utf8"));
    this.#encoded = Buffer.concat(parts);
    this.#starts = new Int32Array(unique.length + 1);
    for (let i = 0; i < parts.length; i++)
      this.#starts[i + 1] = (this.#starts[i] ?? 0) + (parts[i]?.length ?? 0);
    let size = 8;
    while (size < unique.length * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    for (let i = 0; i < unique.length; i++) {
      let slot = hash(this.#encoded, this.#starts[i] ?? 0, this.#starts[i + 1] ?? 0) & this.#mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = i + 1;
    }
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
}
