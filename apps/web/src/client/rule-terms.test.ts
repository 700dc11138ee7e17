import { describe, expect, it } from "vitest";
import { highlightRuns, termsPattern } from "./highlight-text.ts";
import { ruleTerms } from "./rule-terms.ts";

describe("ruleTerms", () => {
  it("keeps positive keywords, phrases and hashtags, drops negated ones and operators", () => {
    expect(
      ruleTerms('(Macet OR "jalan tol") -hoax #lalinSMG lang:id -(banjir OR genangan)'),
    ).toEqual([
      { kind: "words", words: ["macet"] },
      { kind: "words", words: ["jalan", "tol"] },
      { kind: "hashtag", tag: "lalinsmg" },
    ]);
  });

  it("reads a hyphenated keyword as the phrase of its parts", () => {
    expect(ruleTerms("jalan-jalan")).toEqual([{ kind: "words", words: ["jalan", "jalan"] }]);
  });
});

describe("highlightRuns", () => {
  const pattern = termsPattern(ruleTerms('macet OR "jalan tol" OR #cfd'));

  it("marks whole words and phrases, case-insensitively", () => {
    expect(highlightRuns("MACET di Jalan  Tol, bukan kemacetan #cfd", pattern)).toEqual([
      { text: "MACET", highlight: true },
      { text: " di ", highlight: false },
      { text: "Jalan  Tol", highlight: true },
      { text: ", bukan kemacetan ", highlight: false },
      { text: "#cfd", highlight: true },
    ]);
  });

  it("treats markup in a post as plain text", () => {
    const runs = highlightRuns("<b>macet</b>", pattern);
    expect(runs.map((r) => r.text).join("")).toBe("<b>macet</b>");
    expect(runs.filter((r) => r.highlight).map((r) => r.text)).toEqual(["macet"]);
  });

  it("returns the text whole when the rule has no terms", () => {
    expect(highlightRuns("apa saja", termsPattern([]))).toEqual([
      { text: "apa saja", highlight: false },
    ]);
  });
});
