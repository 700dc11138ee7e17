import { describe, expect, it } from "vitest";
import { compileRule } from "./compile-rule.ts";
import { prepareText } from "./prepared-text.ts";
import { RuleSyntaxError } from "./rule-syntax-error.ts";

function matches(rule: string, text: string, lang = "id"): boolean {
  return compileRule(rule)(prepareText(text, lang));
}

describe("compileRule", () => {
  it("matches keywords case-insensitively, as whole words only", () => {
    expect(matches("macet", "MACET total di Gatsu")).toBe(true);
    expect(matches("Macet", "lalu lintas macet.")).toBe(true);
    expect(matches("macet", "kemacetan panjang")).toBe(false);
    expect(matches("macet", "macet-macetan sejak pagi")).toBe(true);
    expect(matches("tol", "tolong")).toBe(false);
  });

  it("matches a keyword on a hashtag, but a hashtag only on a hashtag", () => {
    expect(matches("macet", "parah #Macet")).toBe(true);
    expect(matches("#macet", "parah #Macet")).toBe(true);
    expect(matches("#macet", "macet parah")).toBe(false);
    expect(matches("#lalinSMG", "Info #LalinSMG: Simpang Lima padat")).toBe(true);
    expect(matches("#lalinSMG", "lalinsmg")).toBe(false);
  });

  it("ignores URLs and @mentions in posts", () => {
    expect(matches("macet", "@macet hari ini cerah")).toBe(false);
    expect(matches("macet", "lihat https://example.com/macet")).toBe(false);
    expect(matches('"jalan tol"', "jalan @budi tol")).toBe(true);
  });

  it("matches phrases on consecutive words", () => {
    expect(matches('"jalan tol"', "Jalan Tol Cikampek padat")).toBe(true);
    expect(matches('"jalan tol"', "jalan-tol cikampek")).toBe(true);
    expect(matches('"jalan tol"', "jalan menuju tol")).toBe(false);
    expect(matches('"jalan tol"', "tol jalan")).toBe(false);
    expect(matches('"jalan tol"', "#jalan tol")).toBe(true);
    expect(matches('"tol tol tol"', "tol tol x tol tol tol")).toBe(true);
    expect(matches('"tol tol tol"', "tol tol x tol tol")).toBe(false);
    expect(matches("jalan-jalan", "jalan jalan ke mall")).toBe(true);
  });

  it('matches "jalan tol" -lancar', () => {
    expect(matches('"jalan tol" -lancar', "jalan tol macet")).toBe(true);
    expect(matches('"jalan tol" -lancar', "jalan tol LANCAR jaya")).toBe(false);
    expect(matches('"jalan tol" -lancar', "jalan lancar")).toBe(false);
  });

  it("matches macet OR kemacetan lang:id with AND binding tighter", () => {
    const rule = "macet OR kemacetan lang:id";
    expect(matches(rule, "macet", "en")).toBe(true);
    expect(matches(rule, "kemacetan", "id")).toBe(true);
    expect(matches(rule, "kemacetan", "in")).toBe(true);
    expect(matches(rule, "kemacetan", "en")).toBe(false);
    expect(matches("(macet OR kemacetan) lang:id", "macet", "en")).toBe(false);
  });

  it("compares languages with basic filtering on canonical tags", () => {
    expect(matches("a lang:id", "a", "id-ID")).toBe(true);
    expect(matches("a lang:in", "a", "id")).toBe(true);
    expect(matches("a lang:id", "a", "IN")).toBe(true);
    expect(matches("a lang:en-gb", "a", "en-GB")).toBe(true);
    expect(matches("a lang:en-gb", "a", "en")).toBe(false);
    expect(matches("a lang:en", "a", "eng")).toBe(false);
    expect(matches("a -lang:en", "a", "id")).toBe(true);
    expect(matches("a -lang:en", "a", "en-us")).toBe(false);
  });

  it("negates groups and nests them", () => {
    const rule = "banjir -(surut OR reda) (jakarta OR bekasi)";
    expect(matches(rule, "banjir di Bekasi")).toBe(true);
    expect(matches(rule, "banjir Bekasi sudah surut")).toBe(false);
    expect(matches(rule, "banjir di Bogor")).toBe(false);
    expect(matches("a -(-b)", "a b")).toBe(true);
    expect(matches("a -(-b)", "a")).toBe(false);
  });

  it("treats lowercase or as a keyword", () => {
    expect(matches("macet or banjir", "macet banjir")).toBe(false);
    expect(matches("macet or banjir", "macet or banjir")).toBe(true);
  });

  it("matches non-Latin scripts", () => {
    expect(matches("渋滞 OR пробка", "большая пробка")).toBe(true);
    expect(matches("Straße", "STRASSE")).toBe(false); // no case folding beyond toLowerCase
  });

  it("accepts a tree and normalizes it", () => {
    const predicate = compileRule({
      type: "and",
      children: [
        { type: "keyword", value: "MACET" },
        { type: "not", child: { type: "hashtag", value: "CFD" } },
      ],
    });
    expect(predicate(prepareText("Macet", "id"))).toBe(true);
    expect(predicate(prepareText("Macet #cfd", "id"))).toBe(false);
  });

  it("throws RuleSyntaxError on a bad rule", () => {
    expect(() => compileRule("a (")).toThrow(RuleSyntaxError);
  });
});
