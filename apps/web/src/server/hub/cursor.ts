// A cursor names a position in a topic's Kafka log. Kafka orders the records
// of one partition by offset and those of different partitions not at all
// (record timestamps are the producers' clocks and order nothing), so a
// position is one offset per partition: the highest offset at or before it.
// Every web process reads each partition in order, so a cursor issued by one
// process means the same on every other, and "the posts after this cursor" is
// the same set everywhere: those whose offset is above the cursor's for their
// partition.

/** A position in a topic: per partition, the highest offset at or before it. */
export interface Position {
  /** Partitions left out are at -1: none of their records is at or before the position. */
  readonly through: ReadonlyMap<number, bigint>;
  /**
   * The partition of the post this position was taken at, when it was: that
   * post is `through[own]` itself, and a page `after` it starts below it.
   */
  readonly own?: number | undefined;
}

/** What a client's cursor turned out to be. */
export type DecodedCursor =
  | { kind: "position"; position: Position }
  /** A cursor of the format before positions (timestamp.partition.offset): refused. */
  | { kind: "legacy" }
  | { kind: "invalid" };

/** First byte of every cursor's bytes; a later format takes another. */
const FORMAT = 2;
const MAX_CURSOR_LENGTH = 4096;
const MAX_PARTITION = 2 ** 31 - 1;
const MAX_OFFSET = 2n ** 63n - 1n;
const LEGACY_TEXT = /^\d{1,16}\.\d{1,10}\.\d{1,19}$/;

/**
 * The opaque cursor of a position: base64url of a format byte, then unsigned
 * LEB128 varints: own partition + 1 (0 for none), the number of partitions,
 * and each partition (ascending) with its offset. Three partitions at offsets
 * in the millions take about 24 characters.
 */
export function encodeCursor(position: Position): string {
  const bytes: number[] = [FORMAT];
  writeVarint(bytes, BigInt(position.own === undefined ? 0 : position.own + 1));
  const partitions = [...position.through]
    .filter(([, offset]) => offset >= 0n)
    .sort(([a], [b]) => a - b);
  writeVarint(bytes, BigInt(partitions.length));
  for (const [partition, offset] of partitions) {
    writeVarint(bytes, BigInt(partition));
    writeVarint(bytes, offset);
  }
  return Buffer.from(bytes).toString("base64url");
}

/** The position a cursor stands for; only cursors this module encoded are positions. */
export function decodeCursor(cursor: string): DecodedCursor {
  if (
    cursor.length === 0 ||
    cursor.length > MAX_CURSOR_LENGTH ||
    !/^[A-Za-z0-9_-]+$/.test(cursor)
  ) {
    return { kind: "invalid" };
  }
  const bytes = Buffer.from(cursor, "base64url");
  if (bytes[0] !== FORMAT) {
    return LEGACY_TEXT.test(bytes.toString("latin1")) ? { kind: "legacy" } : { kind: "invalid" };
  }
  const reader = { bytes, at: 1 };
  const own = readVarint(reader);
  const count = readVarint(reader);
  if (own === undefined || count === undefined || own > BigInt(MAX_PARTITION) + 1n) {
    return { kind: "invalid" };
  }
  const through = new Map<number, bigint>();
  let previous = -1;
  for (let i = 0n; i < count; i++) {
    const partition = readVarint(reader);
    const offset = readVarint(reader);
    if (partition === undefined || offset === undefined) return { kind: "invalid" };
    if (partition > BigInt(MAX_PARTITION) || offset > MAX_OFFSET) return { kind: "invalid" };
    if (Number(partition) <= previous) return { kind: "invalid" };
    previous = Number(partition);
    through.set(previous, offset);
  }
  if (reader.at !== bytes.length) return { kind: "invalid" };
  const position: Position = own === 0n ? { through } : { through, own: Number(own) - 1 };
  // Only the canonical spelling is valid, so each position has exactly one cursor.
  return encodeCursor(position) === cursor ? { kind: "position", position } : { kind: "invalid" };
}

/** True when the record at `offset` of `partition` is at or before `position`. */
export function covers(position: Position, partition: number, offset: bigint): boolean {
  const through = position.through.get(partition);
  return through !== undefined && offset <= through;
}

/** True when the record is before `position`: covered, and not the post it was taken at. */
export function isBefore(position: Position, partition: number, offset: bigint): boolean {
  if (!covers(position, partition, offset)) return false;
  return !(position.own === partition && position.through.get(partition) === offset);
}

/** True when `a` covers every record `b` covers. */
export function dominates(a: Position, b: Position): boolean {
  for (const [partition, offset] of b.through) {
    if (offset >= 0n && !covers(a, partition, offset)) return false;
  }
  return true;
}

/**
 * The position covering what either covers, taken at `a`'s post when `b`
 * does not move `a` on that post's partition.
 */
export function join(a: Position, b: Position): Position {
  const through = new Map(a.through);
  for (const [partition, offset] of b.through) {
    if (offset > (through.get(partition) ?? -1n)) through.set(partition, offset);
  }
  const own =
    a.own !== undefined && through.get(a.own) === a.through.get(a.own) ? a.own : undefined;
  return own === undefined ? { through } : { through, own };
}

function writeVarint(bytes: number[], value: bigint): void {
  let rest = value;
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
}

/** An unsigned LEB128 varint of at most 10 bytes, or undefined when the bytes run out. */
function readVarint(reader: { bytes: Buffer; at: number }): bigint | undefined {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    const byte = reader.bytes[reader.at++];
    if (byte === undefined) return undefined;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return value;
  }
  return undefined;
}
