// Turns a failed GraphQL operation into messages the forms can show next to
// the field they concern (the gateway puts `code`, `field` and `position` in
// each error's extensions).
import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import { z } from "zod";

// The dashboard's CSP allows no `eval`. Building an object schema makes zod
// probe for it with `new Function("")`, which the browser reports as a CSP
// violation even though zod catches the error and does without; `jitless`
// skips the probe. Browser only: the server's zod keeps its faster parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

const ErrorExtensions = z.object({
  code: z.string().optional(),
  field: z.string().optional(),
  position: z.number().int().optional(),
});

export interface FieldError {
  message: string;
  code: string | undefined;
  position: number | undefined;
}

export interface FormErrors {
  /** Errors by input field name (`slug`, `name`, `rule`, `description`). */
  fields: Partial<Record<string, FieldError>>;
  /** Errors that belong to no field (shown above the form). */
  general: FieldError[];
  /** The token was missing or refused. */
  unauthorized: boolean;
}

const AUTH_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN"]);

/** Sorts the errors of a failed operation by field; never throws. */
export function formErrors(error: unknown): FormErrors {
  const result: FormErrors = { fields: {}, general: [], unauthorized: false };
  if (CombinedGraphQLErrors.is(error)) {
    for (const graphqlError of error.errors) {
      const extensions = ErrorExtensions.safeParse(graphqlError.extensions ?? {});
      const { code, field, position } = extensions.success ? extensions.data : {};
      const entry: FieldError = { message: graphqlError.message, code, position };
      if (code !== undefined && AUTH_CODES.has(code)) result.unauthorized = true;
      if (field !== undefined && result.fields[field] === undefined) result.fields[field] = entry;
      else result.general.push(entry);
    }
    return result;
  }
  if (ServerError.is(error) && (error.statusCode === 401 || error.statusCode === 403)) {
    result.unauthorized = true;
  }
  const message = error instanceof Error ? error.message : String(error);
  result.general.push({ message, code: undefined, position: undefined });
  return result;
}

const TooSlow = z.object({ code: z.literal("SUBSCRIBER_TOO_SLOW"), cursor: z.string().min(1) });

/**
 * The cursor to resume from when a subscription ended because its subscriber
 * fell behind the server's history (`SUBSCRIBER_TOO_SLOW`), else undefined.
 */
export function tooSlowCursor(error: unknown): string | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined;
  for (const graphqlError of error.errors) {
    const parsed = TooSlow.safeParse(graphqlError.extensions ?? {});
    if (parsed.success) return parsed.data.cursor;
  }
  return undefined;
}

const Expired = z.object({ code: z.literal("HISTORY_EXPIRED"), oldestAvailable: z.string() });

/**
 * The oldest moment Kafka still keeps whole, when an operation failed because
 * its range reached back past it (`HISTORY_EXPIRED`), else undefined.
 */
export function historyExpiredSince(error: unknown): string | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined;
  for (const graphqlError of error.errors) {
    const parsed = Expired.safeParse(graphqlError.extensions ?? {});
    if (parsed.success) return parsed.data.oldestAvailable;
  }
  return undefined;
}

const ErrorBody = z.object({
  errors: z.array(z.object({ message: z.string() })).min(1),
});

/**
 * A sentence for a failed operation: the server's own message where it sent
 * one, also in an HTTP error such as 429 (RATE_LIMITED), whose body Apollo
 * leaves unparsed.
 */
export function errorText(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => e.message).join("; ");
  if (ServerError.is(error)) {
    let body: unknown;
    try {
      body = JSON.parse(error.bodyText);
    } catch {
      body = undefined;
    }
    const parsed = ErrorBody.safeParse(body);
    const said = parsed.success ? parsed.data.errors.map((e) => e.message).join("; ") : "";
    if (error.statusCode === 429) {
      return `The server is refusing requests from this address for a while (429): ${said || "too many requests"}`;
    }
    return said || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

const ExportError = z.object({ error: z.object({ message: z.string() }) });

/** The message of a JSON error body from GET /export, or null when it is not one. */
function exportRefusal(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const error = ExportError.safeParse(parsed);
  return error.success ? error.data.error.message : null;
}

/**
 * A sentence for a refused GET /export: the status, the server's message (or
 * `statusText` when the body is not its JSON error) and, with a Retry-After
 * header (429), when to try again.
 */
export function exportRefusalText(
  status: number,
  statusText: string,
  body: string,
  retryAfter: string | null,
): string {
  const said = (exportRefusal(body) ?? statusText).trim();
  const sentence = `Export refused (${String(status)})${said ? `: ${said}` : ""}`;
  const ended = /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
  return retryAfter === null ? ended : `${ended} Try again in ${retryAfter} s.`;
}
