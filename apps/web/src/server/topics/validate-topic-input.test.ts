import { describe, expect, it } from "vitest";
import { validDescription, validName, validRule, validSlug } from "./validate-topic-input.ts";

function refusal(check: () => unknown): unknown {
  try {
    check();
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
}

describe("topic input validation", () => {
  it.each([
    "../x",
    "a/b",
    "ünï",
    "x'; DROP TABLE topic;--",
    "a".repeat(64),
    "a",
    "-ab",
    "ab-",
    "a--b",
    "Ab",
    " ab",
    "",
  ])("refuses the slug %j", (slug) => {
    expect(refusal(() => validSlug(slug))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "slug",
      message: "a slug is 2-63 lowercase letters, digits or single hyphens, e.g. jakarta-traffic",
      retriable: false,
    });
  });

  it("accepts slugs of 2 and 63 characters", () => {
    expect(validSlug("j2")).toBe("j2");
    expect(validSlug("a".repeat(63))).toBe("a".repeat(63));
    expect(validSlug("jakarta-traffic")).toBe("jakarta-traffic");
  });

  it("trims names and refuses empty or over-long ones", () => {
    expect(validName("  Jakarta traffic ")).toBe("Jakarta traffic");
    expect(validName("x".repeat(100))).toHaveLength(100);
    for (const name of ["", "   ", "x".repeat(101)]) {
      expect(refusal(() => validName(name))).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "name",
      });
    }
  });

  it("refuses descriptions over 500 characters", () => {
    expect(validDescription(" ok ")).toBe("ok");
    expect(validDescription("")).toBe("");
    expect(refusal(() => validDescription("d".repeat(501)))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "description",
    });
  });

  it("refuses bad rules with the parser's position and message", () => {
    expect(validRule("macet OR banjir")).toBe("macet OR banjir");
    expect(refusal(() => validRule("a (b"))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "rule",
      position: 4,
      message: 'expected ")" to close "(" at 2',
    });
    expect(refusal(() => validRule("x".repeat(100_000)))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "rule",
      position: 1024,
      message: "a rule can be at most 1024 characters long; this one has 100000",
    });
    expect(refusal(() => validRule(""))).toMatchObject({ field: "rule" });
  });
});
