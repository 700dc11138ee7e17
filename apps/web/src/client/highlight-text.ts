// Splits a post's text into plain and highlighted runs for rendering as React
// text nodes and <mark> elements (never as HTML).
import type { RuleTerm } from "./rule-terms.ts";

export interface TextRun {
  text: string;
  highlight: boolean;
}

const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}_]`;
const NON_WORD = String.raw`[^\p{L}\p{M}\p{N}_]+`;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/gu, "\\$&");
}

/** A case-insensitive pattern matching any of the terms as whole words, or null with no terms. */
export function termsPattern(terms: readonly RuleTerm[]): RegExp | null {
  if (terms.length === 0) return null;
  const alternatives = terms
    .map((term) =>
      term.kind === "hashtag" ? `#${escape(term.tag)}` : term.words.map(escape).join(NON_WORD),
    )
    // Longest first, so "jalan tol" wins over "jalan".
    .sort((a, b) => b.length - a.length);
  return new RegExp(`(?<!${WORD_CHAR})(?:${alternatives.join("|")})(?!${WORD_CHAR})`, "giu");
}

/** Cuts `text` into runs, marking every match of `pattern`. */
export function highlightRuns(text: string, pattern: RegExp | null): TextRun[] {
  if (pattern === null) return [{ text, highlight: false }];
  const runs: TextRun[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    if (match[0].length === 0) continue;
    if (start > last) runs.push({ text: text.slice(last, start), highlight: false });
    runs.push({ text: match[0], highlight: true });
    last = start + match[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last), highlight: false });
  return runs;
}
