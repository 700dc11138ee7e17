import { readFileSync } from "node:fs";
import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import type { Resolvers } from "../generated/graphql.ts";
import { DateTimeScalar } from "./date-time-scalar.ts";
import { mutationResolvers } from "./mutation-resolvers.ts";
import { queryResolvers } from "./query-resolvers.ts";
import { subscriptionResolvers } from "./subscription-resolvers.ts";
import { typeResolvers } from "./type-resolvers.ts";

/** The fixed schema's text (src/server/schema.graphql). */
export const typeDefs = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");

/** Every resolver of the gateway. */
export const resolvers: Resolvers = {
  ...typeResolvers,
  DateTime: DateTimeScalar,
  Query: queryResolvers,
  Mutation: mutationResolvers,
  Subscription: subscriptionResolvers,
};

/** The executable schema: schema.graphql with the gateway's resolvers. */
export function createGatewaySchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs,
    resolvers,
    // A resolver for a field the schema lacks is a bug, not something to ignore.
    resolverValidationOptions: { requireResolversToMatchSchema: "error" },
  });
}
