import { describe, expect, it } from "vitest";
import { DateTimeScalar } from "./date-time-scalar.ts";

describe("DateTime", () => {
  it("sends Dates, epoch ms and ISO strings as ISO 8601 UTC", () => {
    const iso = "2026-11-26T08:00:00.000Z";
    expect(DateTimeScalar.serialize(new Date(iso))).toBe(iso);
    expect(DateTimeScalar.serialize(Date.parse(iso))).toBe(iso);
    expect(DateTimeScalar.serialize("2026-11-26T15:00:00+07:00")).toBe(iso);
    expect(() => DateTimeScalar.serialize("yesterday")).toThrow(/DateTime/);
  });

  it("reads ISO strings only", () => {
    expect(DateTimeScalar.parseValue("2026-11-26T08:00:00Z")).toEqual(
      new Date("2026-11-26T08:00:00Z"),
    );
    expect(() => DateTimeScalar.parseValue(1_700_000_000_000)).toThrow(/ISO 8601/);
  });
});
