import { describe, expect, it } from "vitest";
import { prepareText } from "./prepared-text.ts";
import { RuleSyntaxError } from "./rule-syntax-error.ts";
import { TopicMatcher } from "./topic-matcher.ts";

function jakartaAndSemarang(): TopicMatcher {
  const matcher = new TopicMatcher();
  matcher.set("jakarta-traffic", "(macet OR kemacetan OR padat) (jakarta OR #lalinjkt) -banjir");
  matcher.set("semarang-traffic", '#lalinSMG OR (macet semarang) OR "simpang lima"');
  matcher.set("toll-roads", '"jalan tol" -lancar');
  matcher.set("floods", "banjir OR genangan lang:id");
  return matcher;
}

describe("TopicMatcher", () => {
  it("returns the sorted slugs of every matching topic", () => {
    const matcher = jakartaAndSemarang();
    expect(matcher.match("Macet di jalan tol Jakarta arah Semarang", "in")).toEqual([
      "jakarta-traffic",
      "semarang-traffic",
      "toll-roads",
    ]);
    expect(matcher.match("Simpang Lima padat, #LalinSMG", "id")).toEqual(["semarang-traffic"]);
    expect(matcher.match("Banjir dan macet di Jakarta", "id")).toEqual(["floods"]);
    expect(matcher.match("genangan air", "en")).toEqual([]);
    expect(matcher.match("genangan air", "id")).toEqual(["floods"]);
    expect(matcher.match("cuaca cerah", "id")).toEqual([]);
  });

  it("evaluates a rule once per post even when several of its terms appear", () => {
    const matcher = new TopicMatcher();
    matcher.set("any", "a OR b OR c");
    expect(matcher.match("a b c a", "en")).toEqual(["any"]);
  });

  it("replaces a topic's rule on set", () => {
    const matcher = jakartaAndSemarang();
    matcher.set("floods", "rob");
    expect(matcher.size).toBe(4);
    expect(matcher.match("banjir", "id")).toEqual([]);
    expect(matcher.match("rob di pantura", "id")).toEqual(["floods"]);
  });

  it("keeps the old rule when the new one does not parse", () => {
    const matcher = jakartaAndSemarang();
    expect(() => {
      matcher.set("floods", "banjir OR");
    }).toThrow(RuleSyntaxError);
    expect(matcher.match("banjir", "id")).toEqual(["floods"]);
  });

  it("deletes topics", () => {
    const matcher = jakartaAndSemarang();
    expect(matcher.has("toll-roads")).toBe(true);
    expect(matcher.delete("toll-roads")).toBe(true);
    expect(matcher.delete("toll-roads")).toBe(false);
    expect(matcher.has("toll-roads")).toBe(false);
    expect(matcher.size).toBe(3);
    expect(matcher.match("jalan tol macet", "id")).toEqual([]);
  });

  it("keeps other topics indexed under a shared term when one is deleted", () => {
    const matcher = new TopicMatcher();
    matcher.set("one", "macet");
    matcher.set("two", "macet OR banjir");
    matcher.delete("one");
    expect(matcher.match("macet", "id")).toEqual(["two"]);
    matcher.delete("two");
    expect(matcher.size).toBe(0);
    expect(matcher.match("macet banjir", "id")).toEqual([]);
  });

  it("matches a prepared post", () => {
    const matcher = jakartaAndSemarang();
    expect(matcher.matchPrepared(prepareText("#lalinsmg", "id"))).toEqual(["semarang-traffic"]);
  });
});
