// CORS for /graphql: same-origin only unless GRAPHQL_CORS_ORIGINS names other
// origins. The `cors` package answers preflights (OPTIONS) itself and gives a
// disallowed origin no Access-Control-Allow-Origin, so its browser cannot read
// the response. Credentials are headers, never cookies, hence no
// Allow-Credentials.
import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "cors";
import { REQUEST_ID_HEADER } from "../request-log.ts";

/** Headers a browser client may send: JSON, the admin token, Apollo's CSRF header, a request id. */
const ALLOWED_HEADERS = [
  "content-type",
  "authorization",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  REQUEST_ID_HEADER,
];

/** Seconds a browser may cache a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** A connect-style middleware that sets CORS headers and ends preflights; `next` serves the rest. */
export type CorsMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** CORS allowing exactly `origins` (e.g. `https://ops.example.com`); none means same-origin only. */
export function createGraphQLCors(origins: readonly string[]): CorsMiddleware {
  return cors({
    // A list (even an empty one) makes `cors` answer every preflight itself
    // and add Access-Control-Allow-Origin only for a listed origin.
    origin: [...origins],
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: [REQUEST_ID_HEADER, "retry-after"],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    credentials: false,
    optionsSuccessStatus: 204,
  });
}
