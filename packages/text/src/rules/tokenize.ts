// One definition of "word" for posts, keywords and phrases, so that whatever a
// rule can name is exactly what a post can contain.
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}_]`;
// Like X, punctuation (hyphens and apostrophes included) splits words:
// "coca-cola" is the two tokens coca, cola.
const WORD = String.raw`${WORD_CHAR}+`;

// Alternatives are tried in order at each position, so a URL or @mention is
// consumed whole before its pieces could be read as words.
const TOKEN_PATTERN = new RegExp(
  String.raw`(?:https?:\/\/|www\.)\S*|@${WORD_CHAR}+|#(${WORD_CHAR}+)|(${WORD})`,
  "gu",
);
const WORD_PATTERN = new RegExp(`^${WORD}$`, "u");
const WORD_CHAR_PATTERN = new RegExp(`^${WORD_CHAR}$`, "u");

/** The word tokens of a text, lowercased, in order. */
export interface Tokens {
  /** Plain words, hashtag bodies included (`#Macet` gives `macet`); no URLs or @mentions. */
  readonly words: string[];
  /** Hashtag bodies without the `#`. */
  readonly hashtags: string[];
}

/** One word token and where it is in the text (UTF-16 offsets). */
export interface WordSpan {
  /** Lowercased. */
  readonly word: string;
  /** Where the word starts and ends; a hashtag's word starts after its `#`. */
  readonly start: number;
  readonly end: number;
  /** True for a hashtag's body. */
  readonly hashtag: boolean;
}

// The same alternatives on the original text, case-insensitively, so offsets
// are the text's own (lowercasing may change a text's length).
const SPAN_PATTERN = new RegExp(TOKEN_PATTERN.source, "giu");

/**
 * The word tokens of `text` with their offsets, in order: the words `tokenize`
 * returns, placed (tokenize.test.ts checks they agree), for highlighting.
 */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  SPAN_PATTERN.lastIndex = 0;
  for (let m = SPAN_PATTERN.exec(text); m !== null; m = SPAN_PATTERN.exec(text)) {
    const [whole, tag, word] = m;
    if (word !== undefined) {
      spans.push({
        word: word.toLowerCase(),
        start: m.index,
        end: m.index + whole.length,
        hashtag: false,
      });
    } else if (tag !== undefined) {
      const start = m.index + 1;
      spans.push({ word: tag.toLowerCase(), start, end: start + tag.length, hashtag: true });
    }
  }
  return spans;
}

/** Splits `text` into lowercase word and hashtag tokens (semantics: the comment in index.ts). */
export function tokenize(text: string): Tokens {
  // Not built on wordSpans: this runs for every post, and needs no offsets.
  const lower = text.toLowerCase();
  const words: string[] = [];
  const hashtags: string[] = [];
  TOKEN_PATTERN.lastIndex = 0;
  for (let m = TOKEN_PATTERN.exec(lower); m !== null; m = TOKEN_PATTERN.exec(lower)) {
    const [, tag, word] = m;
    if (word !== undefined) {
      words.push(word);
    } else if (tag !== undefined) {
      hashtags.push(tag);
      words.push(tag);
    }
  }
  return { words, hashtags };
}

/** True when `s` is exactly one word token (unicode letters, marks, digits and `_`). */
export function isWord(s: string): boolean {
  return WORD_PATTERN.test(s);
}

/** True when the single code point `c` is a word character. */
export function isWordChar(c: string): boolean {
  return WORD_CHAR_PATTERN.test(c);
}
