// GraphQL over HTTP on our own node:http server: the small adapter Apollo's
// integration guide describes (node request → HTTPGraphQLRequest, then the
// HTTPGraphQLResponse back), with the body read under a size limit first.
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { Logger } from "@tweetream/shared";
import type { GatewayContext } from "./context.ts";

/** Thrown while reading a body; becomes a plain JSON error response. */
class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the whole body, refusing (413) more than `maxBytes`, before anything parses it. */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new BodyError(413, `the request body is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) {
      throw new BodyError(413, `the request body is larger than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The body as Apollo wants it: parsed JSON for JSON requests, else the text. */
function parseBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BodyError(400, "the request body is not valid UTF-8");
  }
  if (contentType === undefined || !JSON_TYPE.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, "the request body is not valid JSON");
  }
}

function sendError(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ message, extensions: { code: "BAD_REQUEST" } }] });
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    // The rest of a refused body is not read; the connection cannot be reused.
    ...(status === 413 ? { connection: "close" } : {}),
  });
  response.end(body);
}

export interface GraphQLHttpHandlerOptions {
  apollo: ApolloServer<GatewayContext>;
  /** Builds the operation's context; may throw a GraphQLError (e.g. FORBIDDEN). */
  context: (request: IncomingMessage, logger: Logger) => Promise<GatewayContext>;
  maxBodyBytes: number;
}

/**
 * Serves GET and POST `/graphql` with Apollo Server; `logger` is the request's
 * own (with its `requestId`), for the lines the handler itself logs.
 */
export function createGraphQLHttpHandler(
  options: GraphQLHttpHandlerOptions,
): (request: IncomingMessage, response: ServerResponse, logger: Logger) => Promise<void> {
  const { apollo, maxBodyBytes } = options;
  return async function serve(request, response, logger) {
    try {
      const method = (request.method ?? "GET").toUpperCase();
      const body =
        method === "POST"
          ? parseBody(await readBody(request, maxBodyBytes), request.headers["content-type"])
          : undefined;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
      }
      const url = new URL(request.url ?? "/", "http://localhost");
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers, search: url.search, body },
        context: () => options.context(request, logger),
      });
      for (const [key, value] of result.headers) response.setHeader(key, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === "complete") {
        response.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    } catch (error) {
      if (error instanceof BodyError) {
        logger.debug({ reason: error.message }, "GraphQL request body refused");
        sendError(response, error.status, error.message);
        return;
      }
      logger.error({ err: error }, "GraphQL HTTP request failed");
      sendError(response, 500, "Internal server error");
    }
  };
}
