// Query limits, one configuration for both transports: graphql-armor's Apollo
// plugin form for HTTP, and its validation rules for graphql-ws, which Apollo
// never sees. The token limit is graphql-js's own parser option on both
// (armor's token plugin throws from a hook, which Apollo answers with a 500).
// The cost limit is ours (query-cost.ts): armor's ignores list sizes.
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ApolloServerPlugin } from "@apollo/server";
import type { ValidationRule } from "graphql";
import type { ClientAddressSource } from "./client-address.ts";

/** The limits of docs/API.md, "Limits" (env GRAPHQL_*). */
export interface GraphQLLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Largest HTTP body and WebSocket message, in bytes. */
  maxBodyBytes: number;
  /** Most concurrent subscriptions on one WebSocket. */
  maxSubscriptionsPerConnection: number;
  /** Most concurrent WebSockets from one client address. */
  maxConnectionsPerIp: number;
  /** Where per-address limits read the client address (a proxy's header, trusted proxies). */
  clientIp: ClientAddressSource;
  /** How long a WebSocket may wait before `connection_init`, in ms. */
  connectionInitWaitTimeoutMs: number;
  /** Mutations one client address may run per minute, HTTP and WebSocket together. */
  mutationsPerMinute: number;
  /** Queries and subscriptions one client address may start per minute, HTTP and WebSocket together. */
  operationsPerMinute: number;
  /** Rule previews one client address may start per minute, HTTP and WebSocket together. */
  previewsPerMinute: number;
  /** Failed admin authentications one client address may make in 10 minutes, HTTP and WebSocket together. */
  authFailures: number;
}

export interface QueryProtection {
  /** Spread into the ApolloServer configuration. */
  apollo: {
    plugins: ApolloServerPlugin[];
    validationRules: ValidationRule[];
    allowBatchedHttpRequests: false;
    parseOptions: { maxLexicalTokens: number };
  };
  /** The same checks as validation rules, for graphql-ws. */
  validationRules: ValidationRule[];
  /** For `parse(source, { maxLexicalTokens })`. */
  maxTokens: number;
}

/** graphql-armor configured with `limits`; field suggestions are hidden in production. */
export function createQueryProtection(
  limits: GraphQLLimits,
  options: { production: boolean },
): QueryProtection {
  const { plugins, validationRules, allowBatchedHttpRequests } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    // Our own cost, which counts list sizes (query-cost.ts).
    costLimit: { enabled: false },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: options.production },
  }).protect();
  return {
    apollo: {
      plugins,
      validationRules,
      allowBatchedHttpRequests,
      parseOptions: { maxLexicalTokens: limits.maxTokens },
    },
    validationRules,
    maxTokens: limits.maxTokens,
  };
}
