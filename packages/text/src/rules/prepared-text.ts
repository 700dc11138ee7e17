import { canonicalLanguageTag } from "./language-tag.ts";
import { tokenize } from "./tokenize.ts";

/** A post reduced to what rules look at; build it once per post with `prepareText`. */
export interface PreparedText {
  /** Lowercase words in order, hashtag bodies included; URLs and @mentions left out. */
  readonly words: readonly string[];
  /** Every word, plus `#tag` for every hashtag, so keywords and hashtags are one lookup. */
  readonly terms: ReadonlySet<string>;
  /** Canonical language tag: lowercase, `in` → `id`, e.g. `id`, `en-gb`, `und`. */
  readonly lang: string;
}

/** Tokenizes a post once for matching against any number of rules. */
export function prepareText(text: string, lang: string): PreparedText {
  const { words, hashtags } = tokenize(text);
  const terms = new Set(words);
  for (const tag of hashtags) terms.add(`#${tag}`);
  return { words, terms, lang: canonicalLanguageTag(lang) };
}
