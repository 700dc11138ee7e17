import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRule } from "./compile-rule.ts";
import { canonicalLanguageTag, languageMatches } from "./language-tag.ts";
import { MAX_RULE_LENGTH, parseRule } from "./parse-rule.ts";
import { prepareText, type PreparedText } from "./prepared-text.ts";
import { printRule } from "./print-rule.ts";
import { normalizeRule, type RuleNode } from "./rule-node.ts";
import { RuleSyntaxError } from "./rule-syntax-error.ts";
import { TopicMatcher } from "./topic-matcher.ts";

const fragment = fc.constantFrom(
  "macet",
  "Jalan",
  "tol",
  "OR",
  "or",
  "(",
  ")",
  "-",
  '"',
  '"jalan tol"',
  "#",
  "#LalinSMG",
  "lang:",
  "lang:id",
  "lang:EN-gb",
  "foo:bar",
  ":",
  "jalan-jalan",
  "jum'at",
  "'",
  "@budi",
  "$x",
  "!",
  "é",
  "İ",
  "東京",
  "𝐀",
  "\uD800",
  " ",
  " ",
  "  ",
  "\t",
  "\n",
);
/** Strings built from rule-ish pieces: most are near misses, many parse. */
const ruleish = fc.oneof(
  fc.array(fragment, { maxLength: 25 }).map((parts) => parts.join("")),
  fc.array(fragment, { maxLength: 25 }).map((parts) => parts.join(" ")),
);
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.string({ maxLength: 1100 }),
  ruleish,
);

const word = fc.oneof(
  fc.constantFrom("macet", "jalan", "tol", "or", "and", "lang", "MACET", "km_12", "İ", "ΟΔΟΣ"),
  fc.stringMatching(/^[a-zA-Z0-9_]{1,6}$/),
  fc.string({ unit: fc.constantFrom("é", "ß", "東", "京", "𝐀", "ǅ", "_", "٣"), minLength: 1 }),
);
const lang = fc
  .constantFrom("id", "in", "EN", "en-GB", "und", "zh-Hant-TW", "jw")
  .map((value): RuleNode => ({ type: "lang", value }));
const positive = fc.oneof(
  word.map((value): RuleNode => ({ type: "keyword", value })),
  fc
    .array(word, { minLength: 1, maxLength: 3 })
    .map((words): RuleNode => ({ type: "phrase", words })),
  word.map((value): RuleNode => ({ type: "hashtag", value })),
);

/** Trees `parseRule` accepts once printed: every OR alternative has a positive term. */
const { anchored } = fc.letrec<{ anchored: RuleNode; any: RuleNode }>((tie) => ({
  anchored: fc.oneof(
    { maxDepth: 5, depthIdentifier: "rule" },
    positive,
    fc
      .tuple(tie("anchored"), fc.array(tie("any"), { maxLength: 3 }), fc.nat())
      .map(([first, rest, at]): RuleNode => {
        const children = [...rest];
        children.splice(at % (rest.length + 1), 0, first);
        return { type: "and", children };
      }),
    fc
      .array(tie("anchored"), { minLength: 1, maxLength: 3 })
      .map((children): RuleNode => ({ type: "or", children })),
  ),
  any: fc.oneof(
    { maxDepth: 5, depthIdentifier: "rule" },
    lang,
    tie("anchored"),
    tie("any").map((child): RuleNode => ({ type: "not", child })),
  ),
}));

describe("rule properties", () => {
  it("any string parses or throws RuleSyntaxError with 0 <= position <= length", () => {
    fc.assert(
      fc.property(anyText, (source) => {
        try {
          parseRule(source);
        } catch (error) {
          expect(error).toBeInstanceOf(RuleSyntaxError);
          if (!(error instanceof RuleSyntaxError)) return;
          expect(error.position).toBeGreaterThanOrEqual(0);
          expect(error.position).toBeLessThanOrEqual(source.length);
          expect(error.message).not.toBe("");
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("parse(print(tree)) deep-equals the normalized tree", () => {
    fc.assert(
      fc.property(anchored, (tree) => {
        const printed = printRule(tree);
        fc.pre(printed.length <= MAX_RULE_LENGTH);
        expect(parseRule(printed)).toEqual(normalizeRule(tree));
      }),
      { numRuns: 500 },
    );
  });

  it("print(parse(s)) is a fixed point for any s that parses", () => {
    let parsed = 0;
    fc.assert(
      fc.property(ruleish, (source) => {
        let tree: RuleNode;
        try {
          tree = parseRule(source);
        } catch {
          return;
        }
        parsed++;
        const printed = printRule(tree);
        // Printing can lengthen a rule ("a-b" becomes "\"a b\""); only fragments are this long.
        fc.pre(printed.length <= MAX_RULE_LENGTH);
        expect(parseRule(printed)).toEqual(tree);
        expect(printRule(parseRule(printed))).toBe(printed);
      }),
      { numRuns: 2000 },
    );
    // The generator must exercise the property, not only refusals.
    expect(parsed).toBeGreaterThan(50);
  });

  const postWord = fc.constantFrom(
    "macet",
    "Jalan",
    "tol",
    "#macet",
    "#TOL",
    "a",
    "b",
    "@budi",
    "https://t.co/macet",
    "jalan-tol",
    "or",
    "東京",
  );
  const post = fc.record({
    text: fc.array(postWord, { maxLength: 10 }).map((ws) => ws.join(" ")),
    lang: fc.constantFrom("id", "in", "en", "en-GB", "und", "zh-hant-tw"),
  });
  const smallWord = fc.constantFrom("macet", "jalan", "tol", "a", "b", "or", "東京");
  const smallPositive = fc.oneof(
    smallWord.map((value): RuleNode => ({ type: "keyword", value })),
    fc
      .array(smallWord, { minLength: 1, maxLength: 3 })
      .map((words): RuleNode => ({ type: "phrase", words })),
    smallWord.map((value): RuleNode => ({ type: "hashtag", value })),
  );
  const { smallRule } = fc.letrec<{ smallRule: RuleNode; smallAny: RuleNode }>((tie) => ({
    smallRule: fc.oneof(
      { maxDepth: 4, depthIdentifier: "small" },
      smallPositive,
      fc
        .tuple(tie("smallRule"), fc.array(tie("smallAny"), { maxLength: 3 }))
        .map(([first, rest]): RuleNode => ({ type: "and", children: [...rest, first] })),
      fc
        .array(tie("smallRule"), { minLength: 1, maxLength: 3 })
        .map((children): RuleNode => ({ type: "or", children })),
    ),
    smallAny: fc.oneof(
      { maxDepth: 4, depthIdentifier: "small" },
      lang,
      tie("smallRule"),
      tie("smallAny").map((child): RuleNode => ({ type: "not", child })),
    ),
  }));

  /** The matching semantics written as plainly as possible, to check the compiled closures. */
  function reference(node: RuleNode, p: PreparedText): boolean {
    switch (node.type) {
      case "keyword":
        return p.words.includes(node.value.toLowerCase());
      case "hashtag":
        return p.terms.has(`#${node.value.toLowerCase()}`);
      case "phrase":
        return ` ${p.words.join(" ")} `.includes(` ${node.words.join(" ").toLowerCase()} `);
      case "lang":
        return languageMatches(canonicalLanguageTag(node.value), p.lang);
      case "not":
        return !reference(node.child, p);
      case "and":
        return node.children.every((c) => reference(c, p));
      case "or":
        return node.children.some((c) => reference(c, p));
    }
  }

  it("compiled rules agree with a plain reference evaluation", () => {
    fc.assert(
      fc.property(smallRule, post, (rule, { text, lang: postLang }) => {
        const prepared = prepareText(text, postLang);
        expect(compileRule(rule)(prepared)).toBe(reference(rule, prepared));
      }),
      { numRuns: 1000 },
    );
  });

  it("TopicMatcher (with its term index) agrees with evaluating every rule", () => {
    fc.assert(
      fc.property(
        fc.array(smallRule, { minLength: 1, maxLength: 8 }),
        fc.array(post, { maxLength: 10 }),
        (rules, posts) => {
          const matcher = new TopicMatcher();
          const compiled = rules.map((rule, i) => {
            matcher.set(`t${i}`, printRule(rule));
            return { slug: `t${i}`, test: compileRule(rule) };
          });
          for (const { text, lang: postLang } of posts) {
            const prepared = prepareText(text, postLang);
            const expected = compiled.filter((c) => c.test(prepared)).map((c) => c.slug);
            expect(matcher.match(text, postLang)).toEqual(expected.sort());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
