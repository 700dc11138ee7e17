import { describe, expect, it } from "vitest";
import { compareKeys, decodeCursor, encodeCursor, isValidCursor } from "./cursor.ts";

describe("hub cursors", () => {
  const key = { timestamp: 1_795_000_000_123, partition: 2, offset: 12_345n };

  it("round-trips a position through an opaque base64url string", () => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain("1795000000123");
    expect(decodeCursor(cursor)).toEqual(key);
    expect(isValidCursor(cursor)).toBe(true);
  });

  it("rejects anything it did not issue", () => {
    const b64 = (text: string) => Buffer.from(text).toString("base64url");
    for (const bad of [
      "",
      "!!!",
      "a".repeat(100),
      b64("1.2"),
      b64("1.2.3.4"),
      b64("01.2.3"),
      b64("-1.2.3"),
      b64("1.2.x"),
      b64("99999999999999999.0.0"),
      b64("1.2147483648.0"),
      b64("1.0.9223372036854775808"),
      `${encodeCursor(key)}=`,
    ]) {
      expect(isValidCursor(bad), bad).toBe(false);
    }
    expect(isValidCursor(b64("0.0.9223372036854775807"))).toBe(true);
  });

  it("orders by timestamp, then partition, then offset", () => {
    const sorted = [
      { timestamp: 1, partition: 5, offset: 9n },
      { timestamp: 2, partition: 0, offset: 7n },
      { timestamp: 2, partition: 1, offset: 3n },
      { timestamp: 2, partition: 1, offset: 10n },
    ];
    const shuffled = [sorted[3], sorted[0], sorted[2], sorted[1]].flatMap((k) => (k ? [k] : []));
    expect(shuffled.sort(compareKeys)).toEqual(sorted);
    expect(compareKeys(key, { ...key })).toBe(0);
  });
});
