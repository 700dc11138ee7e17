// Cursors derive from Kafka positions, so they stay valid across web restarts
// and mean the same on every replica.

/** Where an item sits in its topic; items are ordered by timestamp, then partition, then offset. */
export interface CursorKey {
  /** Kafka record timestamp, epoch ms. */
  timestamp: number;
  partition: number;
  offset: bigint;
}

const CURSOR_TEXT = /^(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,9})\.(0|[1-9]\d{0,18})$/;
const MAX_PARTITION = 2 ** 31 - 1;
const MAX_OFFSET = 2n ** 63n - 1n;

/** The opaque cursor of a position: base64url of `timestamp.partition.offset`. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(`${key.timestamp}.${key.partition}.${key.offset}`).toString("base64url");
}

/** The position a cursor stands for, or undefined when it is not one this hub issued. */
export function decodeCursor(cursor: string): CursorKey | undefined {
  if (cursor.length === 0 || cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    return undefined;
  }
  const match = CURSOR_TEXT.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) return undefined;
  const [, timestampText = "", partitionText = "", offsetText = ""] = match;
  const key: CursorKey = {
    timestamp: Number(timestampText),
    partition: Number(partitionText),
    offset: BigInt(offsetText),
  };
  if (!Number.isSafeInteger(key.timestamp) || key.partition > MAX_PARTITION) return undefined;
  if (key.offset > MAX_OFFSET) return undefined;
  // Only the canonical spelling is valid, so each position has exactly one cursor.
  return encodeCursor(key) === cursor ? key : undefined;
}

/** True when `cursor` is a well-formed hub cursor (use it to validate client input). */
export function isValidCursor(cursor: string): boolean {
  return decodeCursor(cursor) !== undefined;
}

/** Negative when `a` comes before `b`, positive after, 0 for the same position. */
export function compareKeys(a: CursorKey, b: CursorKey): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (a.partition !== b.partition) return a.partition - b.partition;
  return a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0;
}
