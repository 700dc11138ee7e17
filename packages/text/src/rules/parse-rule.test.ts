import { describe, expect, it } from "vitest";
import { MAX_RULE_LENGTH, parseRule, validateRule } from "./parse-rule.ts";
import type { RuleNode } from "./rule-node.ts";
import { RuleSyntaxError } from "./rule-syntax-error.ts";

const kw = (value: string): RuleNode => ({ type: "keyword", value });
const and = (...children: RuleNode[]): RuleNode => ({ type: "and", children });
const or = (...children: RuleNode[]): RuleNode => ({ type: "or", children });
const not = (child: RuleNode): RuleNode => ({ type: "not", child });

function errorOf(source: string): { position: number; message: string } {
  try {
    parseRule(source);
  } catch (error) {
    if (error instanceof RuleSyntaxError)
      return { position: error.position, message: error.message };
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe("parseRule", () => {
  it("reads each kind of term", () => {
    expect(parseRule("Macet")).toEqual(kw("macet"));
    expect(parseRule('"Jalan  Tol"')).toEqual({ type: "phrase", words: ["jalan", "tol"] });
    expect(parseRule("#lalinSMG")).toEqual({ type: "hashtag", value: "lalinsmg" });
    expect(parseRule("macet lang:ID")).toEqual(and(kw("macet"), { type: "lang", value: "id" }));
    expect(parseRule("km_12 ⅻ café")).toEqual(and(kw("km_12"), kw("ⅻ"), kw("café")));
  });

  it("gives AND precedence over OR, as X does", () => {
    expect(parseRule("a OR b c")).toEqual(or(kw("a"), and(kw("b"), kw("c"))));
    expect(parseRule("a b OR c")).toEqual(or(and(kw("a"), kw("b")), kw("c")));
    expect(parseRule("a OR b OR c d e")).toEqual(
      or(kw("a"), kw("b"), and(kw("c"), kw("d"), kw("e"))),
    );
    expect(parseRule("macet OR kemacetan lang:id")).toEqual(
      or(kw("macet"), and(kw("kemacetan"), { type: "lang", value: "id" })),
    );
  });

  it("uses parentheses for grouping and flattens what they do not change", () => {
    expect(parseRule("(a OR b) c")).toEqual(and(or(kw("a"), kw("b")), kw("c")));
    expect(parseRule("a (b c) d")).toEqual(and(kw("a"), kw("b"), kw("c"), kw("d")));
    expect(parseRule("(a OR b) OR (c OR d)")).toEqual(or(kw("a"), kw("b"), kw("c"), kw("d")));
    expect(parseRule("((((a))))")).toEqual(kw("a"));
    expect(parseRule("(a OR (b (c OR d)))")).toEqual(
      or(kw("a"), and(kw("b"), or(kw("c"), kw("d")))),
    );
    expect(parseRule("a(b)c")).toEqual(and(kw("a"), kw("b"), kw("c")));
  });

  it("treats only uppercase OR as the operator", () => {
    expect(parseRule("a or b")).toEqual(and(kw("a"), kw("or"), kw("b")));
    expect(parseRule("a Or b")).toEqual(and(kw("a"), kw("or"), kw("b")));
    expect(parseRule("AND")).toEqual(kw("and"));
    expect(parseRule("ORB")).toEqual(kw("orb"));
  });

  it("negates keywords, phrases, hashtags, lang: and groups", () => {
    expect(parseRule('"jalan tol" -lancar')).toEqual(
      and({ type: "phrase", words: ["jalan", "tol"] }, not(kw("lancar"))),
    );
    expect(parseRule('macet -"car free day"')).toEqual(
      and(kw("macet"), not({ type: "phrase", words: ["car", "free", "day"] })),
    );
    expect(parseRule("macet -#cfd -lang:en")).toEqual(
      and(kw("macet"), not({ type: "hashtag", value: "cfd" }), not({ type: "lang", value: "en" })),
    );
    expect(parseRule("banjir -(a OR b)")).toEqual(and(kw("banjir"), not(or(kw("a"), kw("b")))));
    expect(parseRule("c -(-a)")).toEqual(and(kw("c"), not(not(kw("a")))));
    expect(parseRule("a -b OR c")).toEqual(or(and(kw("a"), not(kw("b"))), kw("c")));
  });

  it("reads a word with inner hyphens or apostrophes as the phrase of its parts", () => {
    expect(parseRule("jalan-jalan")).toEqual({ type: "phrase", words: ["jalan", "jalan"] });
    expect(parseRule("Jum'at")).toEqual({ type: "phrase", words: ["jum", "at"] });
    expect(parseRule("jum’at")).toEqual({ type: "phrase", words: ["jum", "at"] });
    expect(parseRule("a -car-free")).toEqual(
      and(kw("a"), not({ type: "phrase", words: ["car", "free"] })),
    );
  });

  it("tokenizes phrases like posts: punctuation, URLs and mentions are ignored", () => {
    expect(parseRule('"Macet, parah!"')).toEqual({ type: "phrase", words: ["macet", "parah"] });
    expect(parseRule('"#jalan tol"')).toEqual({ type: "phrase", words: ["jalan", "tol"] });
    expect(parseRule('"@budi macet"')).toEqual({ type: "phrase", words: ["macet"] });
  });

  it("canonicalizes lang: codes", () => {
    expect(parseRule("a lang:in")).toEqual(and(kw("a"), { type: "lang", value: "id" }));
    expect(parseRule("a lang:en_GB")).toEqual(and(kw("a"), { type: "lang", value: "en-gb" }));
    expect(parseRule("a lang:und")).toEqual(and(kw("a"), { type: "lang", value: "und" }));
  });

  it.each([
    ["", 0, "the rule is empty"],
    ["   ", 3, "the rule is empty"],
    ["()", 0, 'empty group "()"'],
    ["a ( ) b", 2, 'empty group "()"'],
    ["a OR", 4, 'expected a term after "OR" at 2'],
    ["a OR )", 5, 'expected a term after "OR" at 2, found ")"'],
    ["a OR OR b", 5, 'expected a term after "OR" at 2, found "OR"'],
    ["OR a", 0, '"OR" needs a term on its left'],
    ["(OR a)", 1, '"OR" needs a term on its left'],
    ["a (b", 4, 'expected ")" to close "(" at 2'],
    ["a (b OR (c)", 11, 'expected ")" to close "(" at 2'],
    ["a)", 1, 'unmatched ")"'],
    [") a", 0, 'unmatched ")"'],
    ['a "jalan tol', 12, `expected '"' to close the phrase opened at 2`],
    ['a ""', 2, "empty phrase: it has no words"],
    ['a " !? "', 2, "empty phrase: it has no words"],
    ["-", 1, 'expected a term after "-" at 0'],
    ["a -", 3, 'expected a term after "-" at 2'],
    ["a - b", 3, '"-" at 2 must be directly followed by a term, without a space'],
    ["a --b", 3, 'expected a keyword, phrase, hashtag, lang: or "(" after "-", found "-"'],
    ["a -)", 3, 'expected a keyword, phrase, hashtag, lang: or "(" after "-", found ")"'],
    ["a -OR b", 3, 'expected a keyword, phrase, hashtag, lang: or "(" after "-", found "OR"'],
    [
      "a foo:bar",
      2,
      'unknown operator "foo:"; the only operator supported is lang: (e.g. lang:id)',
    ],
    [
      "a Lang:id",
      2,
      'unknown operator "Lang:"; the only operator supported is lang: (e.g. lang:id)',
    ],
    ["a lang:", 7, "lang: needs a language code, e.g. lang:id"],
    ["a lang:x", 7, '"x" is not a language code; use a BCP 47 code such as id, en or en-GB'],
    ["a lang:i-d-", 7, '"i-d-" is not a language code; use a BCP 47 code such as id, en or en-GB'],
    ["macet!", 5, 'a keyword cannot contain "!" (use quotes for a phrase)'],
    ["a :b", 2, 'a keyword cannot contain ":" (use quotes for a phrase)'],
    ["a-", 1, '"-" is only allowed between letters or digits inside a keyword'],
    ["a--b", 1, '"-" is only allowed between letters or digits inside a keyword'],
    ["a @budi", 2, "@mentions are not supported in rules"],
    ["a $BTC", 2, "$cashtags are not supported in rules"],
    ["a #", 2, '"#" must be followed by the hashtag'],
    ["#lalin-smg", 6, 'a hashtag cannot contain "-" (only letters, digits and "_")'],
    ["😀 a", 0, 'a keyword cannot contain "😀" (use quotes for a phrase)'],
    ["a 𝐀𝐀!", 6, 'a keyword cannot contain "!" (use quotes for a phrase)'],
  ])("refuses %j at position %i", (source, position, message) => {
    expect(errorOf(source)).toEqual({ position, message });
  });

  it("requires a standalone positive term, as X does", () => {
    const noPositive =
      "a rule needs at least one keyword, phrase or hashtag that is not negated " +
      '(X requires a standalone term; "-" and lang: only narrow a match)';
    for (const source of ["-banjir", "lang:id", "-a -b lang:id", "-(a OR b)", "-(-a)", '-"a b"']) {
      expect(errorOf(source)).toEqual({ position: 0, message: noPositive });
    }
  });

  it("requires a positive term in every OR alternative", () => {
    const message =
      'this "OR" alternative has no keyword, phrase or hashtag that is not negated, ' +
      "so the rule would match almost every post";
    expect(errorOf("a OR -b")).toEqual({ position: 5, message });
    expect(errorOf("a OR lang:id")).toEqual({ position: 5, message });
    expect(errorOf("a OR -b lang:en OR c")).toEqual({ position: 5, message });
    expect(errorOf("a OR (b OR -c) -d")).toEqual({ position: 11, message });
    expect(errorOf("(a OR -b) lang:id")).toEqual({ position: 6, message });
    // Anchored by an AND sibling, an unanchored OR inside is fine.
    expect(parseRule("(a OR -b) c")).toEqual(and(or(kw("a"), not(kw("b"))), kw("c")));
  });

  it("reports the first problem in reading order", () => {
    expect(errorOf(') "unterminated').position).toBe(0);
    expect(errorOf("a! b!").position).toBe(1);
  });

  it(`accepts ${MAX_RULE_LENGTH} characters and refuses one more at position ${MAX_RULE_LENGTH}`, () => {
    const atLimit = "a".repeat(MAX_RULE_LENGTH);
    expect(parseRule(atLimit)).toEqual(kw(atLimit));
    expect(errorOf(`${atLimit} `)).toEqual({
      position: 1024,
      message: "a rule can be at most 1024 characters long; this one has 1025",
    });
  });

  it("refuses a 100,000-character rule at once, naming the limit", () => {
    // Unbalanced and full of errors past the limit: the length check comes first.
    const huge = "(macet OR ".repeat(10_000);
    expect(huge).toHaveLength(100_000);
    expect(errorOf(huge)).toEqual({
      position: 1024,
      message: "a rule can be at most 1024 characters long; this one has 100000",
    });
  });

  it("handles deep nesting within the length limit", () => {
    const depth = 500;
    const source = `${"(".repeat(depth)}a${")".repeat(depth)}`;
    expect(parseRule(source)).toEqual(kw("a"));
    expect(parseRule(`b ${"-(".repeat(300)}a${")".repeat(300)}`).type).toBe("and");
  });
});

describe("validateRule", () => {
  it("returns ok for a valid rule", () => {
    expect(validateRule("macet OR kemacetan lang:id")).toEqual({ ok: true });
  });

  it("returns the position and message of a syntax error", () => {
    expect(validateRule("macet (banjir")).toEqual({
      ok: false,
      position: 13,
      message: 'expected ")" to close "(" at 6',
    });
  });
});
