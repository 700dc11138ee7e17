import { languageMatches } from "./language-tag.ts";
import { parseRule } from "./parse-rule.ts";
import type { PreparedText } from "./prepared-text.ts";
import { normalizeRule, type RuleNode } from "./rule-node.ts";

/** A compiled rule. */
export type PostPredicate = (post: PreparedText) => boolean;

/**
 * Compiles a rule (text, parsed with `parseRule`, or a tree, normalized with
 * `normalizeRule`) into a closure over prepared posts. Throws RuleSyntaxError
 * or RangeError on a bad rule.
 */
export function compileRule(rule: string | RuleNode): PostPredicate {
  return compile(typeof rule === "string" ? parseRule(rule) : normalizeRule(rule));
}

// Evaluating cheap, usually-decisive children first makes && and || stop early;
// the order cannot change the result since every test is pure.
function cost(node: RuleNode): number {
  switch (node.type) {
    case "keyword":
    case "hashtag":
      return 0;
    case "lang":
      return 1;
    case "phrase":
      return 2;
    case "not":
      return 3 + cost(node.child);
    case "and":
    case "or":
      return 4;
  }
}

function compile(node: RuleNode): PostPredicate {
  switch (node.type) {
    case "keyword": {
      const term = node.value;
      return (post) => post.terms.has(term);
    }
    case "hashtag": {
      const term = `#${node.value}`;
      return (post) => post.terms.has(term);
    }
    case "lang": {
      const range = node.value;
      return (post) => languageMatches(range, post.lang);
    }
    case "phrase":
      return compilePhrase(node.words);
    case "not": {
      const child = compile(node.child);
      return (post) => !child(post);
    }
    case "and":
    case "or": {
      const children = [...node.children].sort((a, b) => cost(a) - cost(b)).map(compile);
      const [first, second] = children;
      if (children.length === 2 && first !== undefined && second !== undefined) {
        return node.type === "and"
          ? (post) => first(post) && second(post)
          : (post) => first(post) || second(post);
      }
      return node.type === "and"
        ? (post) => children.every((c) => c(post))
        : (post) => children.some((c) => c(post));
    }
  }
}

function compilePhrase(phrase: readonly string[]): PostPredicate {
  const [first] = phrase;
  if (first === undefined) return () => false;
  if (phrase.length === 1) return (post) => post.terms.has(first);
  const startsAt = (words: readonly string[], i: number): boolean => {
    for (let j = 1; j < phrase.length; j++) if (words[i + j] !== phrase[j]) return false;
    return true;
  };
  return (post) => {
    // Set lookups reject most posts before the scan over the word list.
    for (const word of phrase) if (!post.terms.has(word)) return false;
    const words = post.words;
    const last = words.length - phrase.length;
    for (let i = 0; i <= last; i++) if (words[i] === first && startsAt(words, i)) return true;
    return false;
  };
}
