import { describe, expect, it } from "vitest";
import {
  covers,
  decodeCursor,
  dominates,
  encodeCursor,
  isBefore,
  join,
  type Position,
} from "./cursor.ts";

const at = (entries: [number, bigint][], own?: number): Position =>
  own === undefined ? { through: new Map(entries) } : { through: new Map(entries), own };

describe("hub cursors", () => {
  const position = at(
    [
      [0, 12_345n],
      [1, 0n],
      [2, 9_223_372_036_854_775_807n],
    ],
    2,
  );

  it("round-trips a position through a compact, opaque base64url string", () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ kind: "position", position });
    expect(decodeCursor(cursor).kind).toBe("position");
    const typical = encodeCursor(
      at([
        [0, 3_000_000n],
        [1, 2_999_998n],
        [2, 3_000_123n],
      ]),
    );
    expect(typical.length).toBeLessThanOrEqual(24);
    // Partitions at -1 are left out; the order of the map does not matter.
    expect(
      encodeCursor(
        at([
          [1, 5n],
          [0, -1n],
        ]),
      ),
    ).toBe(encodeCursor(at([[1, 5n]])));
  });

  it("tells a cursor of the old timestamp format apart, and rejects anything else it did not issue", () => {
    const b64 = (text: string) => Buffer.from(text).toString("base64url");
    expect(decodeCursor(b64("1795000000123.2.12345")).kind).toBe("legacy");
    const good = encodeCursor(position);
    const bytes = Buffer.from(good, "base64url");
    const spelled = (edit: (b: Buffer) => Buffer) => edit(Buffer.from(bytes)).toString("base64url");
    for (const bad of [
      "",
      "!!!",
      "a".repeat(5000),
      b64("1.2"),
      `${good}=`,
      spelled((b) => b.subarray(0, b.length - 1)), // cut short
      spelled((b) => Buffer.concat([b, Buffer.from([0])])), // trailing byte
      spelled((b) => Buffer.concat([Buffer.from([3]), b.subarray(1)])), // unknown format
      Buffer.from([2, 0, 2, 1, 5, 0, 5]).toString("base64url"), // partitions not ascending
      Buffer.from([2, 0, 1, 0, 0x85, 0]).toString("base64url"), // a varint not minimal
      Buffer.from([2, 0, 1, 0, ...Array<number>(9).fill(0xff), 0x01]).toString("base64url"), // offset > 2^63-1
    ]) {
      expect(decodeCursor(bad).kind, bad).toBe("invalid");
    }
  });

  it("covers each partition up to its offset, and a page after the post starts below it", () => {
    expect(covers(position, 0, 12_345n)).toBe(true);
    expect(covers(position, 0, 12_346n)).toBe(false);
    expect(covers(position, 7, 0n)).toBe(false); // a partition it does not name: nothing
    expect(isBefore(position, 0, 12_345n)).toBe(true);
    expect(isBefore(position, 2, 9_223_372_036_854_775_807n)).toBe(false); // the post itself
    expect(isBefore(position, 2, 5n)).toBe(true);
  });

  it("joins and compares positions partition by partition", () => {
    const a = at(
      [
        [0, 10n],
        [1, 4n],
      ],
      0,
    );
    const b = at([
      [1, 7n],
      [2, 1n],
    ]);
    expect(join(a, b)).toEqual(
      at(
        [
          [0, 10n],
          [1, 7n],
          [2, 1n],
        ],
        0,
      ),
    );
    // The post's own partition moved: the joined position is no longer at that post.
    expect(join(at([[1, 4n]], 1), b).own).toBeUndefined();
    expect(dominates(join(a, b), a)).toBe(true);
    expect(dominates(join(a, b), b)).toBe(true);
    expect(dominates(a, b)).toBe(false);
    expect(dominates(a, at([]))).toBe(true);
  });
});
