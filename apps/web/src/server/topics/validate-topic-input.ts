import { SLUG_PATTERN } from "@tweetream/shared";
import { validateRule } from "@tweetream/text";
import { TopicAdminError } from "./topic-admin-error.ts";

/** Longest topic name, after trimming. */
export const MAX_NAME_LENGTH = 100;
/** Longest topic description, after trimming. */
export const MAX_DESCRIPTION_LENGTH = 500;

/** Returns `slug` if it is a valid topic slug; throws BAD_USER_INPUT otherwise. */
export function validSlug(slug: string): string {
  if (!SLUG_PATTERN.test(slug)) {
    throw new TopicAdminError(
      "BAD_USER_INPUT",
      "a slug is 2-63 lowercase letters, digits or single hyphens, e.g. jakarta-traffic",
      { field: "slug" },
    );
  }
  return slug;
}

/** Returns the trimmed name if it has 1 to 100 characters; throws BAD_USER_INPUT otherwise. */
export function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw new TopicAdminError(
      "BAD_USER_INPUT",
      `a name is 1-${MAX_NAME_LENGTH} characters (not counting surrounding spaces); this one has ${trimmed.length}`,
      { field: "name" },
    );
  }
  return trimmed;
}

/** Returns the trimmed description if it has at most 500 characters; throws BAD_USER_INPUT otherwise. */
export function validDescription(description: string): string {
  const trimmed = description.trim();
  if (trimmed.length > MAX_DESCRIPTION_LENGTH) {
    throw new TopicAdminError(
      "BAD_USER_INPUT",
      `a description is at most ${MAX_DESCRIPTION_LENGTH} characters; this one has ${trimmed.length}`,
      { field: "description" },
    );
  }
  return trimmed;
}

/**
 * Returns `rule` unchanged (not trimmed, so positions in later messages match
 * what the user typed) if it parses; throws BAD_USER_INPUT with the parser's
 * message and position otherwise. The parser also enforces the 1,024-character limit.
 */
export function validRule(rule: string): string {
  const result = validateRule(rule);
  if (!result.ok) {
    throw new TopicAdminError("BAD_USER_INPUT", result.message, {
      field: "rule",
      position: result.position,
    });
  }
  return rule;
}
