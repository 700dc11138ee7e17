import type { RuleNode } from "./rule-node.ts";

/**
 * Terms (as in `PreparedText.terms`) of which a post must contain at least one
 * for the rule to match, or undefined when there is no such set (the rule is
 * not anchored; `parseRule` never returns one). Lets a matcher skip rules.
 */
export function requiredTerms(node: RuleNode): string[] | undefined {
  switch (node.type) {
    case "keyword":
      return [node.value];
    case "hashtag":
      return [`#${node.value}`];
    case "phrase": {
      // Any one word of the phrase is required; the longest is likely the rarest.
      const longest = node.words.reduce((a, b) => (b.length > a.length ? b : a), "");
      return longest === "" ? undefined : [longest];
    }
    case "lang":
    case "not":
      return undefined;
    case "and": {
      // Any anchored child's set is required; the smallest wakes the rule least.
      let best: string[] | undefined;
      for (const child of node.children) {
        const terms = requiredTerms(child);
        if (terms !== undefined && (best === undefined || terms.length < best.length)) {
          best = terms;
        }
      }
      return best;
    }
    case "or": {
      const union = new Set<string>();
      for (const child of node.children) {
        const terms = requiredTerms(child);
        if (terms === undefined) return undefined;
        for (const term of terms) union.add(term);
      }
      return [...union];
    }
  }
}
