import { LANGUAGE_RANGE_PATTERN, canonicalLanguageTag } from "./language-tag.ts";
import { isWord } from "./tokenize.ts";

/**
 * A parsed rule. Values are lowercase; `and`/`or` have at least two children
 * and never a child of their own type (groups are flattened: `a (b c)` is one
 * `and` of three). Parentheses exist only in the text, not in the tree.
 */
export type RuleNode =
  | { readonly type: "and"; readonly children: readonly RuleNode[] }
  | { readonly type: "or"; readonly children: readonly RuleNode[] }
  | { readonly type: "not"; readonly child: RuleNode }
  /** One word token: unicode letters, marks, digits and `_`, e.g. `macet`, `km_12`. */
  | { readonly type: "keyword"; readonly value: string }
  /** Consecutive word tokens, e.g. `["jalan", "tol"]`. */
  | { readonly type: "phrase"; readonly words: readonly string[] }
  /** The hashtag without `#`, e.g. `lalinsmg`. */
  | { readonly type: "hashtag"; readonly value: string }
  /** A canonical language range, e.g. `id`, `en-gb`. */
  | { readonly type: "lang"; readonly value: string };

/**
 * Brings a hand-built tree to the form `parseRule` produces: lowercases values,
 * flattens nested `and`/`or`, unwraps single-child ones. Throws RangeError on a
 * node no rule text can produce (empty `and`, a keyword with spaces, ...).
 * It does not check the "needs a positive term" rule; `parseRule` does.
 */
export function normalizeRule(node: RuleNode): RuleNode {
  switch (node.type) {
    case "keyword": {
      const value = node.value.toLowerCase();
      if (!isWord(value)) throw new RangeError(`not a single word: ${JSON.stringify(node.value)}`);
      return { type: "keyword", value };
    }
    case "hashtag": {
      const value = node.value.toLowerCase();
      if (!isWord(value)) {
        throw new RangeError(`not a hashtag body: ${JSON.stringify(node.value)}`);
      }
      return { type: "hashtag", value };
    }
    case "phrase": {
      if (node.words.length === 0) throw new RangeError("a phrase needs at least one word");
      const words = node.words.map((w) => w.toLowerCase());
      const bad = words.find((w) => !isWord(w));
      if (bad !== undefined) throw new RangeError(`not a single word: ${JSON.stringify(bad)}`);
      return { type: "phrase", words };
    }
    case "lang": {
      const value = canonicalLanguageTag(node.value);
      if (!LANGUAGE_RANGE_PATTERN.test(value)) {
        throw new RangeError(`not a language code: ${JSON.stringify(node.value)}`);
      }
      return { type: "lang", value };
    }
    case "not":
      return { type: "not", child: normalizeRule(node.child) };
    case "and":
    case "or": {
      if (node.children.length === 0) throw new RangeError(`an "${node.type}" needs children`);
      const children: RuleNode[] = [];
      for (const child of node.children) {
        const normal = normalizeRule(child);
        if (normal.type === node.type) children.push(...normal.children);
        else children.push(normal);
      }
      const [only] = children;
      if (children.length === 1 && only !== undefined) return only;
      return { type: node.type, children };
    }
  }
}

/**
 * True when every match needs at least one non-negated keyword, phrase or
 * hashtag in the post: what X calls "a standalone operator", required in every
 * `OR` alternative so that no rule matches almost every post.
 */
export function isAnchored(node: RuleNode): boolean {
  switch (node.type) {
    case "keyword":
    case "hashtag":
    case "phrase":
      return true;
    case "lang":
    case "not":
      return false;
    case "and":
      return node.children.some(isAnchored);
    case "or":
      return node.children.every(isAnchored);
  }
}
