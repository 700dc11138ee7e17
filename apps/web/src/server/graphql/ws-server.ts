// GraphQL over WebSocket (graphql-ws protocol) at /graphql, on a `ws` server
// that shares the HTTP server's port. Parsing and validation happen here, with
// the same limits as HTTP, because Apollo never sees these operations.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import {
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { LRUCache } from "lru-cache";
import { WebSocketServer, type WebSocket } from "ws";
import type { Logger } from "@tweetream/shared";
import type { AdminAuth } from "./admin-auth.ts";
import { clientAddress } from "./client-address.ts";
import { coalesceWrites } from "./coalesce-writes.ts";
import type { GatewayContext } from "./context.ts";
import { formatGatewayError, gatewayError, logGatewayError } from "./errors.ts";
import type { GatewayServices } from "./gateway-services.ts";
import type { GraphQLLimits, QueryProtection } from "./limits.ts";
import { costError } from "./query-cost.ts";
import type { AuthFailureLimit, OperationRateLimit } from "./rate-limits.ts";
import { sharedSubscribe, type SharedExecutionStats } from "./shared-execution.ts";

/**
 * Close code for a client address that already has the most WebSockets
 * allowed: 1013 "Try Again Later" (RFC 6455 registry), so graphql-ws clients
 * retry with back-off instead of giving up.
 */
export const TOO_MANY_CONNECTIONS_CLOSE_CODE = 1013;

export interface GraphQLWsServerOptions {
  schema: GraphQLSchema;
  services: GatewayServices;
  auth: AdminAuth;
  limits: GraphQLLimits;
  /** The mutation budget per client address, shared with HTTP. */
  mutationRateLimit: OperationRateLimit;
  /** The query and subscription budget per client address, shared with HTTP. */
  operationRateLimit: OperationRateLimit;
  /** The rule preview budget per client address, shared with HTTP. */
  previewRateLimit: OperationRateLimit;
  authFailureLimit: AuthFailureLimit;
  protection: QueryProtection;
  introspection: boolean;
  production: boolean;
  logger: Logger;
}

export interface GraphQLWsServer {
  /** Takes over an HTTP upgrade request for /graphql. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open WebSockets. */
  readonly connections: number;
  /** Subscription events executed, and served from another subscriber's execution. */
  readonly execution: Readonly<SharedExecutionStats>;
  /** Closes every WebSocket with 1001 (Going away) and waits until they are closed (or `timeoutMs`). */
  close(timeoutMs: number): Promise<void>;
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/** Starts graphql-ws on a `ws` server that only takes upgrades handed to it. */
export function createGraphQLWsServer(options: GraphQLWsServerOptions): GraphQLWsServer {
  const { schema, services, auth, limits, protection, logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxBodyBytes,
    // No compression: ws then writes each frame to the socket as it is sent,
    // which the frames written by ws-frames.ts rely on for their order.
    perMessageDeflate: false,
  });
  const perAddress = new Map<string, number>();
  // Each socket's logger (with its `connectionId`), keyed by its upgrade request,
  // which graphql-ws hands back to every hook as `ctx.extra.request`.
  const connectionLoggers = new WeakMap<IncomingMessage, Logger>();
  const connectionLogger = (request: IncomingMessage) => connectionLoggers.get(request) ?? logger;
  // The TCP socket under each WebSocket, for the frames written by the gateway itself.
  const tcpSockets = new WeakMap<WebSocket, Duplex>();
  const operationLogger = (request: IncomingMessage, operationId: string) =>
    connectionLogger(request).child({ operationId });
  const execution: SharedExecutionStats = { executed: 0, shared: 0 };
  // Thousands of dashboards send the same few operations: each text is parsed
  // and validated once, and its subscribers share one document (a parsed
  // subscription is several KiB, which would be most of an idle subscriber).
  const documents = new LRUCache<string, DocumentNode>({
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (_document, query) => Math.max(1, query.length),
  });
  const rules: readonly ValidationRule[] = [
    ...specifiedRules,
    ...protection.validationRules,
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const format = (error: GraphQLError, log: Logger): GraphQLFormattedError => {
    const formatted = error.toJSON();
    logGatewayError(formatted, error.originalError ?? error, log);
    return formatGatewayError(formatted, { production: options.production });
  };
  /** A `next` payload: errors formatted and logged, as every client must see them. */
  const nextPayload = (result: ExecutionResult, log: Logger): FormattedExecutionResult => {
    const { errors, ...data } = result;
    if (!errors) return data;
    return {
      ...data,
      errors: errors.map((error) =>
        // Errors without an original are the request's own (e.g. variable coercion).
        error.originalError || error.extensions.code !== undefined
          ? format(error, log)
          : format(withCode(error, "BAD_USER_INPUT"), log),
      ),
    };
  };

  const server = useServer<Record<string, unknown>, { admin: boolean }>(
    {
      schema,
      subscribe: sharedSubscribe(execution),
      connectionInitWaitTimeout: limits.connectionInitWaitTimeoutMs,
      isProd: options.production,
      onConnect: async (ctx) => {
        const credentials = auth.fromConnectionParams(ctx.connectionParams);
        const address = clientAddress(ctx.extra.request, limits.clientIp);
        if (credentials.kind !== "anonymous") {
          try {
            await options.authFailureLimit.check(address);
          } catch (error) {
            // 4429 says why, where graphql-ws's own refusal would say 4403 Forbidden.
            const reason = error instanceof GraphQLError ? error.message : "rate limited";
            connectionLogger(ctx.extra.request).info("WebSocket refused: too many failed sign-ins");
            ctx.extra.socket.close(4429, reason.slice(0, 120));
            return false;
          }
        }
        // Anonymous clients may subscribe (the API is public to read); a
        // client that sends credentials must send good ones (4403 otherwise).
        if (credentials.kind === "malformed" || credentials.kind === "wrong") {
          connectionLogger(ctx.extra.request).info(
            { credentials: credentials.kind },
            "WebSocket refused: bad credentials in connection_init",
          );
          await options.authFailureLimit.fail(address);
          return false;
        }
        ctx.extra.admin = credentials.kind === "admin";
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws has already registered this operation, hence ">".
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [
            gatewayError(
              "LIMIT_EXCEEDED",
              `at most ${limits.maxSubscriptionsPerConnection} operations may run at once on one connection`,
            ),
          ];
        }
        let document = documents.get(payload.query);
        if (!document) {
          try {
            document = parse(payload.query, { maxLexicalTokens: protection.maxTokens });
          } catch (error) {
            if (error instanceof GraphQLError) return [withCode(error, "GRAPHQL_PARSE_FAILED")];
            throw error;
          }
          const errors = validate(schema, document, rules);
          if (errors.length > 0) return errors.map((e) => withCode(e, "GRAPHQL_VALIDATION_FAILED"));
          documents.set(payload.query, document);
        }
        const tooCostly = costError({
          schema,
          document,
          operationName: payload.operationName,
          variables: payload.variables,
          topicCount: services.live.slugs.size,
          maxCost: limits.maxCost,
        });
        if (tooCostly) return [tooCostly];
        const address = clientAddress(ctx.extra.request, limits.clientIp);
        if (
          getOperationAST(document, payload.operationName)?.operation !== OperationTypeNode.MUTATION
        ) {
          try {
            await options.operationRateLimit.consume(address);
          } catch (error) {
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
        }
        const log = operationLogger(ctx.extra.request, id);
        log.debug({ operationName: payload.operationName }, "WebSocket operation started");
        const tcp = tcpSockets.get(ctx.extra.socket);
        const contextValue: GatewayContext = {
          services,
          admin: ctx.extra.admin === true,
          logger: log,
          consumeMutation: () => options.mutationRateLimit.consume(address),
          // Counted in onSubscribe above, before the operation starts.
          consumeOperation: () => Promise.resolve(),
          consumePreview: () => options.previewRateLimit.consume(address),
          ...(tcp && {
            socket: {
              ws: ctx.extra.socket,
              tcp,
              id,
              payload: (result: ExecutionResult) => nextPayload(result, log),
            },
          }),
        };
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onNext: (ctx, id, _payload, _args, result) => {
        if (!result.errors) return;
        return nextPayload(result, operationLogger(ctx.extra.request, id));
      },
      onError: (ctx, id, _payload, errors) => {
        const log = operationLogger(ctx.extra.request, id);
        return errors.map((error) => format(error, log));
      },
    },
    wss,
  );

  const release = (address: string) => {
    const count = (perAddress.get(address) ?? 1) - 1;
    if (count <= 0) perAddress.delete(address);
    else perAddress.set(address, count);
  };

  return {
    execution,
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
        const address = clientAddress(request, limits.clientIp);
        const log = logger.child({ connectionId: randomUUID() });
        const count = perAddress.get(address) ?? 0;
        if (count >= limits.maxConnectionsPerIp) {
          log.info({ address }, "WebSocket refused: too many connections from this address");
          ws.close(TOO_MANY_CONNECTIONS_CLOSE_CODE, "Too many connections from this address");
          return;
        }
        coalesceWrites(ws, socket);
        tcpSockets.set(ws, socket);
        connectionLoggers.set(request, log);
        log.debug({ address }, "WebSocket opened");
        perAddress.set(address, count + 1);
        ws.once("close", (code: number) => {
          log.debug({ code }, "WebSocket closed");
          release(address);
        });
        wss.emit("connection", ws, request);
      });
    },
    get connections() {
      return wss.clients.size;
    },
    async close(timeoutMs) {
      const sockets = [...wss.clients];
      const closed = Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === ws.CLOSED) resolve();
              else
                ws.once("close", () => {
                  resolve();
                });
            }),
        ),
      );
      await server.dispose();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => {
          resolve("timeout");
        }, timeoutMs);
      });
      if ((await Promise.race([closed, timeout])) === "timeout") {
        logger.warn({ sockets: wss.clients.size }, "WebSockets did not close in time; terminating");
        for (const ws of sockets) ws.terminate();
      }
      clearTimeout(timer);
    },
  };
}
