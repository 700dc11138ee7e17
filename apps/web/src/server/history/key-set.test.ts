import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeySet } from "./key-set.ts";

/** `strings` one after another after a byte of padding each, with where each lies. */
function laidOut(strings: readonly string[]): { bytes: Buffer; spans: [number, number][] } {
  const parts: Buffer[] = [];
  const spans: [number, number][] = [];
  let at = 0;
  for (const s of strings) {
    const bytes = Buffer.from(s, "utf8");
    parts.push(Buffer.from([0x7f]), bytes);
    spans.push([at + 1, at + 1 + bytes.length]);
    at += 1 + bytes.length;
  }
  return { bytes: Buffer.concat(parts), spans };
}

describe("KeySet", () => {
  it("finds post ids by their bytes inside a larger buffer", () => {
    const keys = new KeySet(["1796409595436", "b17", "did:plc:abc/app.bsky.feed.post/3k", "ÿ"]);
    const { bytes, spans } = laidOut(["b17", "b1", "b170", "ÿ", "y", "1796409595436", ""]);
    const found = spans.map(([start, end]) => keys.indexOf(bytes, start, end));
    expect(found.map((i) => (i < 0 ? undefined : keys.key(i)))).toEqual([
      "b17",
      undefined,
      undefined,
      "ÿ",
      undefined,
      "1796409595436",
      undefined,
    ]);
  });

  it("drops repeated keys and refuses an index it does not have", () => {
    const keys = new KeySet(["a", "a", "b"]);
    expect(keys.size).toBe(2);
    expect(() => keys.key(2)).toThrow(RangeError);
  });

  it("finds each key as soon as it is added, across growth, and gives a repeat its first index", () => {
    const keys = new KeySet();
    const ids = Array.from({ length: 5000 }, (_, i) => `17964${String(i * 7919)}`);
    const { bytes, spans } = laidOut(ids);
    ids.forEach((id, i) => {
      const [start, end] = spans[i] ?? [0, 0];
      expect(keys.indexOf(bytes, start, end)).toBe(-1);
      expect(keys.add(id)).toBe(i);
      expect(keys.indexOf(bytes, start, end)).toBe(i);
    });
    expect(keys.add(ids[1234] ?? "")).toBe(1234);
    expect(keys.size).toBe(5000);
    // Every earlier key is still found after the table grew.
    expect(spans.every(([start, end], i) => keys.indexOf(bytes, start, end) === i)).toBe(true);
  });

  it("an empty set finds nothing", () => {
    const keys = new KeySet([]);
    expect(keys.indexOf(Buffer.from("x"), 0, 1)).toBe(-1);
  });

  it("finds exactly its members, whatever the strings (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 60 }),
        fc.array(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 60 }),
        (members, others) => {
          const keys = new KeySet(members);
          const probes = [...members, ...others];
          const { bytes, spans } = laidOut(probes);
          probes.forEach((probe, i) => {
            const [start, end] = spans[i] ?? [0, 0];
            const index = keys.indexOf(bytes, start, end);
            // Strings with lone surrogates encode alike (U+FFFD): compare what was encoded.
            const expected = members.findIndex((m) => Buffer.from(m).equals(Buffer.from(probe)));
            if (expected < 0) expect(index).toBe(-1);
            else expect(Buffer.from(keys.key(index))).toEqual(Buffer.from(probe));
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
