import type { MutationResolvers } from "../generated/graphql.ts";
import { requireAdmin } from "./admin-auth.ts";
import type { GatewayContext } from "./context.ts";
import { fromTopicAdminError } from "./errors.ts";

/**
 * Runs a TopicAdmin call for an admin within the caller's mutation rate limit,
 * turning its refusals into GraphQL errors with codes. Refused (non-admin)
 * calls cost nothing, so anonymous clients cannot spend an admin's budget.
 */
async function asAdmin<T>(context: GatewayContext, call: () => Promise<T>): Promise<T> {
  requireAdmin(context);
  await context.consumeMutation();
  try {
    return await call();
  } catch (error) {
    throw fromTopicAdminError(error);
  }
}

export const mutationResolvers: MutationResolvers = {
  createTopic: (_parent, { input }, context) =>
    asAdmin(context, () => context.services.topics.create(input)),

  updateTopic: (_parent, { slug, input }, context) =>
    asAdmin(context, () => context.services.topics.update(slug, input)),

  deleteTopic: async (_parent, { slug }, context) => {
    await asAdmin(context, () => context.services.topics.delete(slug));
    return { slug };
  },
};
