/**
 * The distinct vocabulary terms of a batch of posts, flat: post `i` owns positions
 * `offsets[i]` to `offsets[i + 1] - 1` of `ids` (vocabulary ids) and `counts` (occurrences).
 */
export interface EncodedPosts {
  ids: number[];
  counts: number[];
  offsets: Uint32Array;
}

/** A batch slice as the model's `[posts, width]` inputs, padded with id 0 and count 0. */
export interface PaddedTerms {
  ids: Int32Array;
  counts: Float32Array;
  width: number;
}

/**
 * Looks up the word 1–2 grams of clean texts in the model's vocabulary exactly as
 * scikit-learn's `TfidfVectorizer(token_pattern="[^ ]+", lowercase=False, ngram_range=(1, 2))`
 * analyses them: tokens are the runs of non-space characters, bigrams are two neighbouring
 * tokens joined by one space, terms outside the vocabulary are ignored.
 */
export class TermIndex {
  readonly #ids: Map<string, number>;
  // Position in `ids` of a term id of the post being encoded: a sparse accumulator that
  // needs no clearing, because a slot counts only if it points back at its own id.
  readonly #slots: Int32Array;

  /** `terms[id]` is the term of vocabulary id `id`; throws on a duplicate term. */
  constructor(terms: readonly string[]) {
    this.#ids = new Map(terms.map((term, id) => [term, id]));
    if (this.#ids.size !== terms.length) {
      throw new Error(`the vocabulary repeats ${terms.length - this.#ids.size} term(s)`);
    }
    this.#slots = new Int32Array(terms.length);
  }

  /** Number of terms. */
  get size(): number {
    return this.#ids.size;
  }

  /** Vocabulary id of a term, or undefined. */
  id(term: string): number | undefined {
    return this.#ids.get(term);
  }

  /** The distinct in-vocabulary terms of each text and their counts. */
  encode(texts: readonly string[]): EncodedPosts {
    const ids: number[] = [];
    const counts: number[] = [];
    const offsets = new Uint32Array(texts.length + 1);
    const add = (term: string, start: number): void => {
      const id = this.#ids.get(term);
      if (id === undefined) return;
      const slot = this.#slots[id] ?? 0;
      if (slot >= start && ids[slot] === id) {
        counts[slot] = (counts[slot] ?? 0) + 1;
      } else {
        this.#slots[id] = ids.length;
        ids.push(id);
        counts.push(1);
      }
    };
    texts.forEach((text, post) => {
      const start = ids.length;
      let previous: string | undefined;
      for (let from = 0; from <= text.length;) {
        let end = text.indexOf(" ", from);
        if (end === -1) end = text.length;
        if (end > from) {
          const token = text.slice(from, end);
          add(token, start);
          if (previous !== undefined) add(`${previous} ${token}`, start);
          previous = token;
        }
        from = end + 1;
      }
      offsets[post + 1] = ids.length;
    });
    return { ids, counts, offsets };
  }
}

/** Number of distinct terms of post `post`. */
export function termCount({ offsets }: EncodedPosts, post: number): number {
  return (offsets[post + 1] ?? 0) - (offsets[post] ?? 0);
}

/** Posts `from` to `to - 1` as padded `[to - from, width]` arrays (width at least 1). */
export function padTerms(encoded: EncodedPosts, from: number, to: number): PaddedTerms {
  let width = 1;
  for (let post = from; post < to; post++) width = Math.max(width, termCount(encoded, post));
  const ids = new Int32Array((to - from) * width);
  const counts = new Float32Array((to - from) * width);
  for (let post = from; post < to; post++) {
    const start = encoded.offsets[post] ?? 0;
    const end = encoded.offsets[post + 1] ?? 0;
    const row = (post - from) * width;
    for (let i = start; i < end; i++) {
      ids[row + i - start] = encoded.ids[i] ?? 0;
      counts[row + i - start] = encoded.counts[i] ?? 0;
    }
  }
  return { ids, counts, width };
}
