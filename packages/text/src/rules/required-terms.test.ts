import { describe, expect, it } from "vitest";
import { parseRule } from "./parse-rule.ts";
import { requiredTerms } from "./required-terms.ts";

describe("requiredTerms", () => {
  it.each([
    ["macet", ["macet"]],
    ["#LalinSMG", ["#lalinsmg"]],
    ['"jalan tol"', ["jalan"]],
    ['"di tol cikampek"', ["cikampek"]],
    ["macet OR kemacetan lang:id", ["macet", "kemacetan"]],
    ["(a OR b OR c) d -e lang:id", ["d"]],
    ["(a OR b) (c OR d OR e)", ["a", "b"]],
    ["a OR a b", ["a"]],
    ["(a OR -b) c", ["c"]],
  ])("of %j is %j", (rule, terms) => {
    expect(requiredTerms(parseRule(rule))).toEqual(terms);
  });

  it("is undefined for a tree no post term anchors", () => {
    expect(requiredTerms({ type: "not", child: { type: "keyword", value: "a" } })).toBeUndefined();
    expect(
      requiredTerms({
        type: "or",
        children: [
          { type: "keyword", value: "a" },
          { type: "lang", value: "id" },
        ],
      }),
    ).toBeUndefined();
  });
});
