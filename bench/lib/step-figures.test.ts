import { describe, expect, it } from "vitest";
import { groupBy, spread } from "./step-figures.ts";

describe("spread", () => {
  it("gives the median and the highest of the known values", () => {
    expect(spread([30, 41, 28])).toEqual({ median: 30, worst: 41, runs: 3 });
    expect(spread([10, 20])).toEqual({ median: 15, worst: 20, runs: 2 });
    expect(spread([7])).toEqual({ median: 7, worst: 7, runs: 1 });
  });

  it("leaves unknown values out", () => {
    expect(spread([null, 5, undefined, Number.NaN, 9])).toEqual({ median: 7, worst: 9, runs: 2 });
    expect(spread([null, undefined])).toBeNull();
    expect(spread([])).toBeNull();
  });
});

describe("groupBy", () => {
  it("keeps groups and items in the order they first appear", () => {
    expect(groupBy(["b1", "a1", "b2", "a2", "c1"], (s) => s.slice(0, 1))).toEqual([
      ["b1", "b2"],
      ["a1", "a2"],
      ["c1"],
    ]);
  });
});
