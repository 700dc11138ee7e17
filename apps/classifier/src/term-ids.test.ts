import { describe, expect, it } from "vitest";
import { padTerms, termCount, TermIndex } from "./term-ids.ts";

const index = new TermIndex(["macet", "jalan", "macet jalan", "jalan macet", "tol", "solo"]);

/** The terms of one post as { term: count }. */
function terms(text: string): Record<string, number> {
  const encoded = index.encode([text]);
  const vocabulary = ["macet", "jalan", "macet jalan", "jalan macet", "tol", "solo"];
  return Object.fromEntries(
    encoded.ids.map((id, i) => [vocabulary[id] ?? "?", encoded.counts[i] ?? 0]),
  );
}

describe("TermIndex", () => {
  it("counts the unigrams and bigrams of a post that are in the vocabulary", () => {
    expect(terms("macet jalan macet jalan tol")).toEqual({
      macet: 2,
      jalan: 2,
      "macet jalan": 2,
      "jalan macet": 1,
      tol: 1,
    });
  });

  it("splits on single spaces like scikit-learn's token_pattern [^ ]+", () => {
    // Runs of spaces separate tokens without empty tokens; a bigram still joins them by one.
    expect(terms("  macet   jalan ")).toEqual({ macet: 1, jalan: 1, "macet jalan": 1 });
    // Unknown tokens break bigrams but are not terms; other whitespace is part of a token.
    expect(terms("macet x jalan")).toEqual({ macet: 1, jalan: 1 });
    expect(terms("macet\tjalan")).toEqual({});
    expect(terms("")).toEqual({});
  });

  it("keeps posts apart, within a batch and across calls", () => {
    const encoded = index.encode(["macet", "macet macet", "", "tol macet"]);
    expect([0, 1, 2, 3].map((post) => termCount(encoded, post))).toEqual([1, 1, 0, 2]);
    expect(encoded.counts).toEqual([1, 2, 1, 1]);
    expect(index.encode(["solo macet", "macet"]).counts).toEqual([1, 1, 1]);
  });

  it("pads a slice of the batch to its longest post with id 0 and count 0", () => {
    const encoded = index.encode(["tol", "macet jalan", "", "solo"]);
    const padded = padTerms(encoded, 1, 3);
    expect(padded.width).toBe(3);
    expect([...padded.ids]).toEqual([0, 1, 2, 0, 0, 0]);
    expect([...padded.counts]).toEqual([1, 1, 1, 0, 0, 0]);
    expect(padTerms(encoded, 2, 3)).toEqual({
      ids: new Int32Array([0]),
      counts: new Float32Array([0]),
      width: 1,
    });
  });

  it("refuses a vocabulary with a repeated term", () => {
    expect(() => new TermIndex(["macet", "tol", "macet"])).toThrow(/repeats 1 term/);
  });
});
