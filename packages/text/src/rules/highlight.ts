// What the dashboard highlights in a post: the places where a rule's
// positive terms (keywords, phrases and hashtags not under a `-`) match, found
// with the tokenizer the matcher uses, so a highlight is exactly a match.
import { parseRule } from "./parse-rule.ts";
import type { RuleNode } from "./rule-node.ts";
import { wordSpans, type WordSpan } from "./tokenize.ts";

/** A term worth highlighting: consecutive words, or a hashtag. */
export type HighlightTerm =
  | { readonly kind: "words"; readonly words: readonly string[] }
  | { readonly kind: "hashtag"; readonly tag: string };

/** A stretch of a post's text, marked when a term matched there. */
export interface TextRun {
  text: string;
  highlight: boolean;
}

/** The positive terms of a rule, without duplicates; none for a rule that does not parse. */
export function highlightTerms(rule: string): HighlightTerm[] {
  let tree: RuleNode;
  try {
    tree = parseRule(rule);
  } catch {
    return [];
  }
  const terms = new Map<string, HighlightTerm>();
  const visit = (node: RuleNode): void => {
    switch (node.type) {
      case "and":
      case "or":
        node.children.forEach(visit);
        return;
      case "keyword":
        terms.set(node.value, { kind: "words", words: [node.value] });
        return;
      case "phrase":
        terms.set(node.words.join(" "), { kind: "words", words: node.words });
        return;
      case "hashtag":
        terms.set(`#${node.value}`, { kind: "hashtag", tag: node.value });
        return;
      case "not": // what a post must not contain is not highlighted
      case "lang":
        return;
    }
  };
  visit(tree);
  return [...terms.values()];
}

/** How many spans from `i` on `term` matches, 0 if none. */
function matchAt(spans: readonly WordSpan[], i: number, term: HighlightTerm): number {
  if (term.kind === "hashtag") {
    const span = spans[i];
    return span?.hashtag && span.word === term.tag ? 1 : 0;
  }
  for (let k = 0; k < term.words.length; k++) {
    if (spans[i + k]?.word !== term.words[k]) return 0;
  }
  return term.words.length;
}

/**
 * Cuts `text` into runs, marking every place a term matches (matches that
 * overlap make one run; a hashtag's run includes its `#`). Rendered as text nodes and
 * `<mark>` elements, never as HTML.
 */
export function highlightRuns(text: string, terms: readonly HighlightTerm[]): TextRun[] {
  if (terms.length === 0) return [{ text, highlight: false }];
  const spans = wordSpans(text);
  const runs: TextRun[] = [];
  let last = 0;
  // The highlighted words [from, to): occurrences that overlap are one run
  // ("macet #macet #banjir" for "macet macet" and "macet banjir").
  let from = -1;
  let to = -1;
  const flush = () => {
    const first = spans[from];
    const final = spans[to - 1];
    if (!first || !final) return;
    const start = first.hashtag ? first.start - 1 : first.start;
    if (start > last) runs.push({ text: text.slice(last, start), highlight: false });
    runs.push({ text: text.slice(start, final.end), highlight: true });
    last = final.end;
  };
  for (let i = 0; i < spans.length; i++) {
    const length = Math.max(0, ...terms.map((term) => matchAt(spans, i, term)));
    if (length === 0) continue;
    if (i < to) {
      to = Math.max(to, i + length);
    } else {
      flush();
      from = i;
      to = i + length;
    }
  }
  flush();
  if (last < text.length) runs.push({ text: text.slice(last), highlight: false });
  return runs;
}
