// X reports Indonesian as "in" and Hebrew as "iw" (pre-1989 ISO 639 codes), so
// the retired codes are folded into their current ones on both sides.
const RETIRED_CODES: ReadonlyMap<string, string> = new Map([
  ["in", "id"],
  ["iw", "he"],
  ["ji", "yi"],
  ["jw", "jv"],
]);

/** A language range a rule may name: a 2-3 letter primary subtag, optionally more subtags. */
export const LANGUAGE_RANGE_PATTERN = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/;

/** Lowercases a BCP 47 tag, writes `_` as `-` and maps retired primary subtags (`in` → `id`). */
export function canonicalLanguageTag(tag: string): string {
  let lower = tag.toLowerCase();
  if (lower.includes("_")) lower = lower.replaceAll("_", "-");
  const dash = lower.indexOf("-");
  const primary = dash === -1 ? lower : lower.slice(0, dash);
  const current = RETIRED_CODES.get(primary);
  return current === undefined ? lower : current + lower.slice(primary.length);
}

/**
 * RFC 4647 basic filtering on canonical tags: range `en` matches `en` and
 * `en-gb`; range `en-gb` matches `en-gb` but not `en`.
 */
export function languageMatches(range: string, tag: string): boolean {
  return tag === range || (tag.startsWith(range) && tag.charCodeAt(range.length) === 0x2d);
}
