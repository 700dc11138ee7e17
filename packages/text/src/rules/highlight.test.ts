import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRule } from "./compile-rule.ts";
import { highlightRuns, highlightTerms, type HighlightTerm } from "./highlight.ts";
import { prepareText } from "./prepared-text.ts";
import { tokenize, wordSpans } from "./tokenize.ts";

describe("highlightTerms", () => {
  it("keeps positive keywords, phrases and hashtags, drops negated ones and operators", () => {
    expect(
      highlightTerms('(Macet OR "jalan tol") -hoax #lalinSMG lang:id -(banjir OR genangan)'),
    ).toEqual([
      { kind: "words", words: ["macet"] },
      { kind: "words", words: ["jalan", "tol"] },
      { kind: "hashtag", tag: "lalinsmg" },
    ]);
  });

  it("reads a hyphenated keyword as the phrase of its parts, and an invalid rule as none", () => {
    expect(highlightTerms("jalan-jalan")).toEqual([{ kind: "words", words: ["jalan", "jalan"] }]);
    expect(highlightTerms("(macet")).toEqual([]);
  });
});

describe("highlightRuns", () => {
  const terms = highlightTerms('macet OR "jalan tol" OR #cfd');

  it("marks whole words and phrases, case-insensitively", () => {
    expect(highlightRuns("MACET di Jalan  Tol, bukan kemacetan #cfd", terms)).toEqual([
      { text: "MACET", highlight: true },
      { text: " di ", highlight: false },
      { text: "Jalan  Tol", highlight: true },
      { text: ", bukan kemacetan ", highlight: false },
      { text: "#cfd", highlight: true },
    ]);
  });

  it("treats markup in a post as plain text, and skips URLs and mentions as the matcher does", () => {
    const runs = highlightRuns("<b>macet</b> https://x.id/macet @macet", terms);
    expect(runs.map((r) => r.text).join("")).toBe("<b>macet</b> https://x.id/macet @macet");
    expect(runs.filter((r) => r.highlight).map((r) => r.text)).toEqual(["macet"]);
  });

  it("makes one run of matches that overlap, so that each shows whole", () => {
    // Found by the property below: "macet banjir" starts inside "macet macet".
    const terms = highlightTerms('"macet banjir" OR "macet macet"');
    expect(highlightRuns("macet #macet #banjir lalu macet", terms)).toEqual([
      { text: "macet #macet #banjir", highlight: true },
      { text: " lalu macet", highlight: false },
    ]);
    // Matches next to each other, not overlapping, stay apart.
    expect(highlightRuns("tol tol", highlightTerms("tol"))).toEqual([
      { text: "tol", highlight: true },
      { text: " ", highlight: false },
      { text: "tol", highlight: true },
    ]);
  });

  it("returns the text whole when the rule has no terms", () => {
    expect(highlightRuns("apa saja", [])).toEqual([{ text: "apa saja", highlight: false }]);
  });
});

// Posts and rules from a small vocabulary, so that terms often meet.
const vocabulary = [
  "macet",
  "Jalan",
  "tol",
  "banjir",
  "MACET",
  "cfd",
  "km_12",
  "jum'at",
  "İstanbul",
];
const word = fc.constantFrom(...vocabulary);
const piece = fc.oneof(
  word,
  word.map((w) => `#${w}`),
  word.map((w) => `@${w}`),
  fc.constantFrom("https://t.co/macet", ",", "!", "-", " ", "  ", "\n"),
);
const post = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(" "));
const term = fc.oneof(
  word.map((w) => w.replace("'", "")),
  word.map((w) => `#${w.replace("'", "")}`),
  fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"`),
);
const rule = fc.array(term, { minLength: 1, maxLength: 3 }).map((terms) => terms.join(" OR "));

/** Whether `term` on its own, as a rule, matches `text`, by the matcher. */
function matcherMatches(one: HighlightTerm, text: string): boolean {
  const source = one.kind === "hashtag" ? `#${one.tag}` : `"${one.words.join(" ")}"`;
  return compileRule(source)(prepareText(text, "id"));
}

describe("highlighting and matching agree", () => {
  it("wordSpans gives exactly the words tokenize gives", () => {
    fc.assert(
      fc.property(post, (text) => {
        expect(wordSpans(text).map((s) => s.word)).toEqual(tokenize(text).words);
        for (const span of wordSpans(text)) {
          expect(text.slice(span.start, span.end).toLowerCase()).toBe(span.word);
        }
      }),
    );
  });

  it("highlights a term in a post exactly when the matcher matches that term", () => {
    fc.assert(
      fc.property(post, rule, (text, source) => {
        const terms = highlightTerms(source);
        const marked = highlightRuns(text, terms)
          .filter((run) => run.highlight)
          .map((run) => run.text);
        for (const one of terms) {
          const shown = marked.some((run) => highlightRuns(run, [one]).some((r) => r.highlight));
          // A term hidden inside a longer highlighted one still shows.
          expect(shown, `${JSON.stringify(one)} in ${JSON.stringify(text)}`).toBe(
            matcherMatches(one, text),
          );
        }
        // And the rule matches the post exactly when something is highlighted.
        expect(marked.length > 0).toBe(compileRule(source)(prepareText(text, "id")));
      }),
      { numRuns: 500 },
    );
  });
});
