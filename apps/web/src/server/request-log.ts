// Request ids and one log line per HTTP request, with pino-http: each request
// gets `request.log`, a child logger carrying `requestId`, and the id is echoed
// in the `x-request-id` response header (docs/API.md, "Request ids").
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pinoHttp, type HttpLogger } from "pino-http";
import type { Logger } from "@tweetream/shared";

/** The header a request id is read from and echoed in. */
export const REQUEST_ID_HEADER = "x-request-id";

/** What a client-supplied id may look like: 1-128 characters, no spaces or quotes. */
const REQUEST_ID = /^[A-Za-z0-9._~:@+/=-]{1,128}$/;

/** The client's `x-request-id` when it is well-formed, else a new UUID. */
export function requestIdOf(headers: IncomingMessage["headers"]): string {
  const given = headers[REQUEST_ID_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}

/** The path without its query string, which may carry GraphQL variables. */
function pathOf(url: string | undefined): string {
  return (url ?? "/").split("?")[0] ?? "/";
}

/**
 * A pino-http logger: sets `request.log` and the `x-request-id` header, and
 * logs each finished request (debug below 400, info for 4xx, error for 5xx).
 * Only the method, path and status are logged, never headers (Authorization).
 */
export function createRequestLog(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const id = requestIdOf(request.headers);
      response.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customAttributeKeys: { reqId: "requestId" },
    quietReqLogger: true,
    serializers: {
      req: (request: { method?: string; url?: string }) => ({
        method: request.method,
        path: pathOf(request.url),
      }),
      res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
    },
    customLogLevel: (_request, response, error) => {
      if (error !== undefined || response.statusCode >= 500) return "error";
      return response.statusCode >= 400 ? "info" : "debug";
    },
  });
}
