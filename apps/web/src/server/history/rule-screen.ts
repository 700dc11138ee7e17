// A rule preview's first pass over raw record bytes: which records cannot
// hold a post the rule matches, decided without decoding them. A rule's
// keywords, hashtags and phrase words are lowercase words; a post's word is a
// lowercased run of its text, so a post that has the word has it in its JSON
// (in any letter case, and unescaped: JSON writers escape quotes, controls
// and maybe non-ASCII, never ASCII letters). The screen finds the rule's ASCII
// words in a batch's records at once, 32 KiB at a time (one case-insensitive
// regular expression over the bytes read as Latin-1, where a UTF-8 byte never
// folds to an ASCII letter), then evaluates the rule on which words each
// record holds, counting every test it cannot decide (a negation, a language,
// a word with non-ASCII letters) as passed. So it only ever lets through too
// much: what passes is decoded and matched exactly.
import type { RuleNode } from "@tweetream/text";

/** Most distinct words a screen tracks (bits of a mask). */
const MAX_WORDS = 30;
/** Every word present: a record holding something the screen cannot read as ASCII. */
const ALL = 2 ** MAX_WORDS - 1;
// The two ways a JSON text can hold an ASCII letter of a word that the screen
// would not see as one: the Kelvin sign (U+212A, "K" in UTF-8), which
// lowercases to "k", and a \u escape of a letter or of that sign.
const UNREADABLE = String.raw`\u00e2\u0084\u00aa|\\u(?:00[4-7][0-9a-f]|212a)`;

/** Byte sequences without which a batch holds nothing UNREADABLE matches. */
const UNREADABLE_MARKS = [Buffer.from("\\u"), Buffer.from("\\U"), Buffer.from("\u212a", "utf8")];

/** Longest text UNREADABLE matches ("\\u212a"). */
const UNREADABLE_LENGTH = 6;
/** Bytes of a batch searched at once (see `batch`). */
const PIECE_BYTES = 32 * 1024;

type MaskTest = (mask: number) => boolean;

/**
 * Screens the records of one batch after another. Use: `batch()` with the
 * batch's bytes, then `mayMatch()` for each record's value, in order.
 */
export class RuleScreen {
  /** The words, and what the screen cannot read. */
  readonly #pattern: RegExp;
  /** The words only: for a batch that holds no UNREADABLE_MARKS (a third faster). */
  readonly #wordsOnly: RegExp;
  readonly #words: Map<string, number>;
  readonly #test: MaskTest;
  /** Longest match minus one: how far a piece's text reaches past it. */
  readonly #reach: number;
  // Hits of the current batch, in byte order: where each starts and ends, and the words it shows.
  #starts: number[] = [];
  #ends: number[] = [];
  #masks: number[] = [];
  #next = 0;

  /** A screen for `node`, or undefined when the rule has no ASCII word to look for. */
  static for(node: RuleNode): RuleScreen | undefined {
    const words = [...asciiWords(node, new Set<string>())];
    if (words.length === 0 || words.length > MAX_WORDS) return undefined;
    const test = maskTest(node, new Map(words.map((w, i) => [w, 1 << i])));
    return new RuleScreen(words, test);
  }

  private constructor(words: string[], test: MaskTest) {
    // Longest first, so a word that contains another is found whole (and is
    // credited with the ones it contains).
    const longestFirst = [...words].sort((a, b) => b.length - a.length);
    this.#pattern = new RegExp(`${longestFirst.join("|")}|${UNREADABLE}`, "gi");
    this.#wordsOnly = new RegExp(longestFirst.join("|"), "gi");
    this.#words = new Map(
      words.map((w) => [
        w,
        words.reduce((mask, other, i) => (w.includes(other) ? mask | (1 << i) : mask), 0),
      ]),
    );
    this.#test = test;
    this.#reach = Math.max(UNREADABLE_LENGTH, ...words.map((w) => w.length)) - 1;
  }

  /** Finds the words in `bytes[start, end)`, one batch's records. */
  batch(bytes: Buffer, start: number, end: number): void {
    this.#starts = [];
    this.#ends = [];
    this.#masks = [];
    this.#next = 0;
    // In pieces, so that each piece's text is a young-generation string: one
    // string of a whole batch (often hundreds of kB) is allocated old, and
    // millions of them cost a full collection every few hundred MB. A piece
    // reaches a little past its end, for the words that start in it.
    const records = bytes.subarray(start, end);
    const pattern = UNREADABLE_MARKS.some((mark) => records.includes(mark))
      ? this.#pattern
      : this.#wordsOnly;
    for (let at = start; at < end; at += PIECE_BYTES) {
      this.#piece(pattern, bytes, at, Math.min(end, at + PIECE_BYTES), end);
    }
  }

  /** Finds the words that start in `bytes[start, stop)`, looking no further than `end`. */
  #piece(pattern: RegExp, bytes: Buffer, start: number, stop: number, end: number): void {
    const text = bytes.toString("latin1", start, Math.min(end, stop + this.#reach));
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (start + m.index >= stop) break;
      const [found] = m;
      this.#starts.push(start + m.index);
      this.#ends.push(start + m.index + found.length);
      this.#masks.push(this.#words.get(found.toLowerCase()) ?? ALL);
      // Overlapping words ("jalan" in "kejalanan" after "keja…") are each found.
      pattern.lastIndex = m.index + 1;
    }
  }

  /**
   * False when the record whose value is `bytes[start, end)` cannot match.
   * Records must be asked about in byte order.
   */
  mayMatch(start: number, end: number): boolean {
    const starts = this.#starts;
    let at = this.#next;
    while (at < starts.length && (starts[at] ?? 0) < start) at++;
    let mask = 0;
    while (at < starts.length && (starts[at] ?? 0) < end) {
      if ((this.#ends[at] ?? 0) <= end) mask |= this.#masks[at] ?? 0;
      at++;
    }
    this.#next = at;
    return this.#test(mask);
  }
}

/** The distinct ASCII words the rule names (keywords, hashtag bodies, phrase words). */
function asciiWords(node: RuleNode, into: Set<string>): Set<string> {
  switch (node.type) {
    case "keyword":
    case "hashtag":
      if (isAscii(node.value)) into.add(node.value);
      break;
    case "phrase":
      for (const word of node.words) if (isAscii(word)) into.add(word);
      break;
    case "not":
      // A negation always passes: its words need not be looked for.
      break;
    case "lang":
      break;
    case "and":
    case "or":
      for (const child of node.children) asciiWords(child, into);
  }
  return into;
}

/** The rule evaluated on which words a record holds; undecidable tests pass. */
function maskTest(node: RuleNode, bits: ReadonlyMap<string, number>): MaskTest {
  const has = (word: string): MaskTest => {
    const bit = bits.get(word);
    return bit === undefined ? () => true : (mask) => (mask & bit) !== 0;
  };
  switch (node.type) {
    case "keyword":
    case "hashtag":
      return has(node.value);
    case "phrase": {
      const need = node.words.reduce((mask, word) => mask | (bits.get(word) ?? 0), 0);
      return (mask) => (mask & need) === need;
    }
    case "not":
    case "lang":
      return () => true;
    case "and": {
      const children = node.children.map((child) => maskTest(child, bits));
      return (mask) => children.every((test) => test(mask));
    }
    case "or": {
      const children = node.children.map((child) => maskTest(child, bits));
      return (mask) => children.some((test) => test(mask));
    }
  }
}

function isAscii(word: string): boolean {
  // eslint-disable-next-line no-control-regex -- ASCII is the point
  return /^[\x00-\x7f]+$/.test(word);
}
