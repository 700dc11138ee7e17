import { normalizeRule, type RuleNode } from "./rule-node.ts";

/**
 * The canonical text of a rule: lowercase, single spaces, only the parentheses
 * precedence needs. `parseRule(printRule(n))` deep-equals `normalizeRule(n)`
 * for any tree `parseRule` accepts once printed (it does not check the
 * 1,024-character limit). Throws RangeError like `normalizeRule`.
 */
export function printRule(node: RuleNode): string {
  return print(normalizeRule(node));
}

function print(node: RuleNode): string {
  switch (node.type) {
    case "keyword":
      return node.value;
    case "hashtag":
      return `#${node.value}`;
    case "lang":
      return `lang:${node.value}`;
    case "phrase":
      return `"${node.words.join(" ")}"`;
    case "not": {
      const child = node.child;
      const compound = child.type === "and" || child.type === "or" || child.type === "not";
      return compound ? `-(${print(child)})` : `-${print(child)}`;
    }
    case "and":
      return node.children.map((c) => (c.type === "or" ? `(${print(c)})` : print(c))).join(" ");
    case "or":
      // A normalized "or" has no "or" children, and "and" binds tighter.
      return node.children.map(print).join(" OR ");
  }
}
