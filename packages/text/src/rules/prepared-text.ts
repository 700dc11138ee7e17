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

/**
 * Tokenizes a post once for matching against any number of rules. `hashtags`
 * are tags the source gives beside the text (Bluesky's tag facets and `tags`),
 * without `#`: each is read as if `#tag` were written in the text, and adds
 * terms but no words, so no phrase spans it.
 */
export function prepareText(
  text: string,
  lang: string,
  hashtags: readonly string[] = [],
): PreparedText {
  const { words, hashtags: written } = tokenize(text);
  const terms = new Set(words);
  for (const tag of written) terms.add(`#${tag}`);
  for (const extra of hashtags) {
    // As in text: "#jalan-tol" is the hashtag "jalan", and gives the word too.
    for (const tag of tokenize(`#${extra}`).hashtags) {
      terms.add(`#${tag}`);
      terms.add(tag);
    }
  }
  return { words, terms, lang: canonicalLanguageTag(lang) };
}
