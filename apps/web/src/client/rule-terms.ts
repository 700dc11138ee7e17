// The terms of a topic rule worth highlighting in a post: its keywords,
// phrases and hashtags that are not negated. A deliberately small reading of
// the rule language (docs/RULES.md); the server has already validated the rule.

/** One highlightable term: a sequence of lowercase words, or a hashtag. */
export type RuleTerm = { kind: "words"; words: string[] } | { kind: "hashtag"; tag: string };

const WORD = /[\p{L}\p{M}\p{N}_]+/gu;

function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).filter((w) => w.length > 0);
}

/** Extracts the positive keywords, phrases and hashtags of a rule, without duplicates. */
export function ruleTerms(rule: string): RuleTerm[] {
  const terms = new Map<string, RuleTerm>();
  // negated[depth]: whether the group open at that depth is under a `-`.
  const negated: boolean[] = [false];
  let i = 0;
  const inNegation = () => negated.includes(true);
  while (i < rule.length) {
    const char = rule.charAt(i);
    if (/\s/u.test(char)) {
      i++;
      continue;
    }
    let negate = false;
    if (char === "-") {
      negate = true;
      i++;
    }
    const next = rule.charAt(i);
    if (next === "(") {
      negated.push(negate);
      i++;
      continue;
    }
    if (next === ")") {
      if (negated.length > 1) negated.pop();
      i++;
      continue;
    }
    let end: number;
    let term: RuleTerm | undefined;
    if (next === '"') {
      const close = rule.indexOf('"', i + 1);
      end = close === -1 ? rule.length : close + 1;
      const phrase = words(rule.slice(i + 1, close === -1 ? rule.length : close));
      if (phrase.length > 0) term = { kind: "words", words: phrase };
    } else {
      end = i;
      while (end < rule.length && !/[\s()"]/u.test(rule.charAt(end))) end++;
      const token = rule.slice(i, end);
      if (token === "OR" || token.includes(":")) term = undefined;
      else if (token.startsWith("#")) {
        const tag = token.slice(1).toLowerCase();
        if (tag.length > 0) term = { kind: "hashtag", tag };
      } else {
        const parts = words(token);
        if (parts.length > 0) term = { kind: "words", words: parts };
      }
    }
    i = Math.max(end, i + 1);
    if (term && !negate && !inNegation()) {
      const key = term.kind === "hashtag" ? `#${term.tag}` : term.words.join(" ");
      terms.set(key, term);
    }
  }
  return [...terms.values()];
}
