// Every error a client sees carries `extensions.code` (docs/API.md, "Errors").
// Ours are thrown as GraphQLErrors with a code; anything else that reaches a
// client is an internal error, logged and replaced by a bare message.
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Logger } from "@tweetream/shared";
import { HistoryExpiredError } from "../history/index.ts";
import { TopicAdminError } from "../topics/index.ts";

/** The codes the gateway itself puts in `extensions.code`. */
export type GatewayErrorCode =
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "LIMIT_EXCEEDED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_REQUEST"
  | "RATE_LIMITED"
  | "SUBSCRIBER_TOO_SLOW"
  | "HISTORY_EXPIRED";

/** Codes (ours and Apollo's) whose message is meant for the client. */
const CLIENT_CODES: ReadonlySet<string> = new Set([
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "LIMIT_EXCEEDED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_REQUEST",
  "RATE_LIMITED",
  "SUBSCRIBER_TOO_SLOW",
  "HISTORY_EXPIRED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "INTROSPECTION_DISABLED",
  "MAX_RECURSIVE_SELECTIONS_EXCEEDED",
]);

const HTTP_STATUS: Partial<Record<GatewayErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
};

/** A GraphQL error with `extensions.code` (plus `field`/`position`/`cursor`/`oldestAvailable` when given). */
export function gatewayError(
  code: GatewayErrorCode,
  message: string,
  details: { field?: string; position?: number; cursor?: string; oldestAvailable?: string } = {},
): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, {
    extensions: {
      code,
      ...details,
      // Apollo turns this into the HTTP status and strips it from the response.
      ...(status === undefined ? {} : { http: { status } }),
    },
  });
}

/** HISTORY_EXPIRED (with `oldestAvailable`) for a HistoryExpiredError; any other error as it is. */
export function historyError(error: unknown): unknown {
  if (!(error instanceof HistoryExpiredError)) return error;
  return gatewayError("HISTORY_EXPIRED", error.message, {
    oldestAvailable: new Date(error.oldestAvailable).toISOString(),
  });
}

/** BAD_USER_INPUT naming the argument or input field at fault. */
export function badUserInput(field: string, message: string, position?: number): GraphQLError {
  return gatewayError(
    "BAD_USER_INPUT",
    message,
    position === undefined ? { field } : { field, position },
  );
}

/** Turns a TopicAdminError into its GraphQL error; other errors are returned unchanged. */
export function fromTopicAdminError(error: unknown): unknown {
  if (!(error instanceof TopicAdminError)) return error;
  const details: { field?: string; position?: number } = {};
  if (error.field !== undefined) details.field = error.field;
  if (error.position !== undefined) details.position = error.position;
  return gatewayError(error.code, error.message, details);
}

const SUGGESTION = /\s*Did you mean .+\?$/;

/**
 * Logs an error a client is about to get, with the operation's logger: errors
 * with a client code at debug (clients cause them, and at volume under
 * attack), anything else at error with the original error.
 */
export function logGatewayError(
  formatted: GraphQLFormattedError,
  original: unknown,
  logger: Logger,
): void {
  const code = formatted.extensions?.code;
  if (typeof code === "string" && CLIENT_CODES.has(code)) {
    logger.debug({ code, path: formatted.path }, "GraphQL error returned");
  } else {
    logger.error({ err: original, path: formatted.path }, "GraphQL operation failed");
  }
}

/**
 * Shapes an error for the client: errors with a client code keep their
 * message; anything else becomes INTERNAL_SERVER_ERROR without details (log it
 * with `logGatewayError`). In production, "Did you mean …?" hints (which leak
 * the schema) go.
 */
export function formatGatewayError(
  formatted: GraphQLFormattedError,
  options: { production: boolean },
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === "string" && CLIENT_CODES.has(code)) {
    const client = withoutHttp(formatted);
    return options.production
      ? { ...client, message: client.message.replace(SUGGESTION, "") }
      : client;
  }
  const { message: _message, extensions, ...where } = formatted;
  const stacktrace = options.production ? undefined : extensions?.stacktrace;
  return {
    ...where,
    message: "Internal server error",
    extensions: {
      code: "INTERNAL_SERVER_ERROR",
      ...(stacktrace === undefined ? {} : { stacktrace }),
    },
  };
}

/**
 * Drops `extensions.http` (status and headers for Apollo's HTTP response),
 * which Apollo removes itself but graphql-ws would send as it is.
 */
function withoutHttp(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.http === undefined) return formatted;
  const { http: _http, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
