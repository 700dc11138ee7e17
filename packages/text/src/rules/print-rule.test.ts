import { describe, expect, it } from "vitest";
import { parseRule } from "./parse-rule.ts";
import { printRule } from "./print-rule.ts";
import { normalizeRule, type RuleNode } from "./rule-node.ts";

const kw = (value: string): RuleNode => ({ type: "keyword", value });

describe("printRule", () => {
  it.each([
    ["Macet", "macet"],
    ["  a   b  ", "a b"],
    ["a OR b c", "a OR b c"],
    ["(a OR b) c", "(a OR b) c"],
    ["((a b)) OR ((c))", "a b OR c"],
    ["a (b c) OR (d OR e)", "a b c OR d OR e"],
    ['"Jalan  Tol"   -Lancar', '"jalan tol" -lancar'],
    ['a -"car-free day!"', 'a -"car free day"'],
    ["#LalinSMG -#CFD", "#lalinsmg -#cfd"],
    ["macet lang:IN", "macet lang:id"],
    ["a -(b OR c) -(d e) -(-f)", "a -(b OR c) -(d e) -(-f)"],
    ["jalan-jalan", '"jalan jalan"'],
    ["a(b)c", "a b c"],
    ["a or b", "a or b"],
  ])("prints %j as %j", (source, printed) => {
    expect(printRule(parseRule(source))).toBe(printed);
  });

  it("normalizes hand-built trees before printing", () => {
    const tree: RuleNode = {
      type: "and",
      children: [
        { type: "and", children: [kw("A"), kw("OR")] },
        { type: "or", children: [kw("b")] },
        { type: "or", children: [kw("c"), { type: "or", children: [kw("d"), kw("e")] }] },
      ],
    };
    expect(printRule(tree)).toBe("a or b (c OR d OR e)");
    expect(parseRule(printRule(tree))).toEqual(normalizeRule(tree));
  });

  it.each<[string, RuleNode]>([
    ["a keyword with a space", kw("a b")],
    ["a keyword with punctuation", kw("a-b")],
    ["an empty keyword", kw("")],
    ["an empty phrase", { type: "phrase", words: [] }],
    ["a hashtag with #", { type: "hashtag", value: "#a" }],
    ["a bad lang", { type: "lang", value: "english" }],
    ["an empty and", { type: "and", children: [] }],
    ["an empty or inside a not", { type: "not", child: { type: "or", children: [] } }],
  ])("refuses %s with RangeError", (_, tree) => {
    expect(() => printRule(tree)).toThrow(RangeError);
  });
});
