// The GraphQL gateway: one schema served by Apollo Server 5 over HTTP and by
// graphql-ws over WebSocket, both at /graphql on the web server's port.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { unwrapResolverError } from "@apollo/server/errors";
import { OperationTypeNode } from "graphql";
import type { Logger } from "@tweetream/shared";
import { AdminAuth, requireValidCredentials } from "./admin-auth.ts";
import { clientAddress } from "./client-address.ts";
import type { GatewayContext } from "./context.ts";
import { createGraphQLCors } from "./cors.ts";
import { formatGatewayError, logGatewayError } from "./errors.ts";
import type { GatewayServices } from "./gateway-services.ts";
import { createGraphQLHttpHandler } from "./http-handler.ts";
import { createQueryProtection, type GraphQLLimits } from "./limits.ts";
import { costError } from "./query-cost.ts";
import { AuthFailureLimit, OperationRateLimit } from "./rate-limits.ts";
import { createGatewaySchema } from "./schema.ts";
import type { SharedExecutionStats } from "./shared-execution.ts";
import { createGraphQLWsServer } from "./ws-server.ts";

export interface GatewayOptions {
  services: GatewayServices;
  /** The server the gateway is mounted on; drained by Apollo at stop. */
  httpServer: Server;
  adminToken: string;
  limits: GraphQLLimits;
  /** Origins (besides the server's own) whose browsers may call /graphql (GRAPHQL_CORS_ORIGINS). */
  corsOrigins: readonly string[];
  /** NODE_ENV=production: no stack traces, no field suggestions, introspection off by default. */
  production: boolean;
  introspection: boolean;
  /** How long open HTTP requests get at stop before their connections are cut. */
  drainTimeoutMs: number;
  logger: Logger;
}

export interface Gateway {
  /** Serves an HTTP request for /graphql (CORS, then Apollo); `log` is the request's own logger. */
  handleHttp(request: IncomingMessage, response: ServerResponse, log: Logger): void;
  /** Takes over a WebSocket upgrade for /graphql. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open WebSockets. */
  readonly connections: number;
  /** Subscription events executed, and served from another subscriber's execution. */
  readonly execution: Readonly<SharedExecutionStats>;
  /** Closes every WebSocket with 1001 and waits for them (at most `timeoutMs`). */
  closeWebSockets(timeoutMs: number): Promise<void>;
  /** Stops Apollo, which stops the HTTP server accepting and drains it (drainTimeoutMs). */
  stop(): Promise<void>;
}

/** Builds the schema, starts Apollo Server and graphql-ws; call `stop` to drain them. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { services, limits, production, logger } = options;
  const auth = new AdminAuth(options.adminToken);
  const schema = createGatewaySchema();
  const protection = createQueryProtection(limits, { production });
  const apolloLogger = logger.child({ component: "apollo" });

  // Errors are logged here, with the request's logger (its `requestId`), since
  // `formatError` gets no context. (An AsyncLocalStorage scope did this before:
  // on Node 20 it puts a hook on every promise in the process, which cost the
  // WebSocket fan-out several percent of its CPU.)
  const errorLogging: ApolloServerPlugin<GatewayContext> = {
    requestDidStart: () =>
      Promise.resolve({
        didEncounterErrors: ({ errors, contextValue }) => {
          for (const error of errors) {
            logGatewayError(error.toJSON(), unwrapResolverError(error), contextValue.logger);
          }
          return Promise.resolve();
        },
      }),
  };
  // The cost of the operation with its variables, and the caller's query budget
  // (mutations have their own, counted by their resolvers), before it runs.
  const operationLimits: ApolloServerPlugin<GatewayContext> = {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: async ({
          document,
          operationName,
          request,
          operation,
          contextValue,
        }) => {
          const tooCostly = costError({
            schema,
            document,
            operationName,
            variables: request.variables,
            topicCount: services.live.slugs.size,
            maxCost: limits.maxCost,
          });
          if (tooCostly) throw tooCostly;
          if (operation?.operation !== OperationTypeNode.MUTATION)
            await contextValue.consumeOperation();
        },
      }),
  };
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    ...protection.apollo,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer: options.httpServer,
        stopGracePeriodMillis: options.drainTimeoutMs,
      }),
      ...protection.apollo.plugins,
      operationLimits,
      errorLogging,
    ],
    nodeEnv: production ? "production" : "development",
    // The web server owns SIGINT/SIGTERM and stops Apollo itself, in order;
    // Apollo's own handlers (on outside tests) would stop it a second time and
    // re-raise the signal, and the two stops wait on each other.
    stopOnTerminationSignals: false,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    logger: {
      debug: (message: string) => {
        apolloLogger.debug(message);
      },
      info: (message: string) => {
        apolloLogger.info(message);
      },
      warn: (message: string) => {
        apolloLogger.warn(message);
      },
      error: (message: string) => {
        apolloLogger.error(message);
      },
    },
    formatError: (formatted) => formatGatewayError(formatted, { production }),
  });
  await apollo.start();

  const mutationRateLimit = new OperationRateLimit(limits.mutationsPerMinute, "mutations");
  const operationRateLimit = new OperationRateLimit(
    limits.operationsPerMinute,
    "queries and subscriptions",
  );
  const previewRateLimit = new OperationRateLimit(limits.previewsPerMinute, "rule previews");
  const authFailureLimit = new AuthFailureLimit(limits.authFailures);
  const cors = createGraphQLCors(options.corsOrigins);
  const serveGraphQL = createGraphQLHttpHandler({
    apollo,
    maxBodyBytes: limits.maxBodyBytes,
    context: async (request, log) => {
      const address = clientAddress(request, limits.clientIp);
      const credentials = auth.fromAuthorization(request.headers.authorization);
      if (credentials.kind !== "anonymous") await authFailureLimit.check(address);
      if (credentials.kind === "malformed" || credentials.kind === "wrong") {
        // Apollo answers it without starting a request, so no plugin sees it.
        log.debug({ credentials: credentials.kind }, "GraphQL request refused: bad credentials");
        await authFailureLimit.fail(address);
      }
      const { admin } = requireValidCredentials(credentials);
      return {
        services,
        admin,
        logger: log,
        consumeMutation: () => mutationRateLimit.consume(address),
        consumeOperation: () => operationRateLimit.consume(address),
        consumePreview: () => previewRateLimit.consume(address),
      };
    },
  });
  const ws = createGraphQLWsServer({
    schema,
    services,
    auth,
    limits,
    mutationRateLimit,
    operationRateLimit,
    previewRateLimit,
    authFailureLimit,
    protection,
    introspection: options.introspection,
    production,
    logger,
  });

  return {
    handleHttp: (request, response, log) => {
      // `cors` ends preflights itself and calls back only for the rest.
      cors(request, response, () => {
        void serveGraphQL(request, response, log);
      });
    },
    handleUpgrade: (request, socket, head) => {
      ws.handleUpgrade(request, socket, head);
    },
    get connections() {
      return ws.connections;
    },
    execution: ws.execution,
    closeWebSockets: (timeoutMs) => ws.close(timeoutMs),
    stop: () => apollo.stop(),
  };
}
