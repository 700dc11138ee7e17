import type { MutationResolvers } from "../generated/graphql.ts";
import { requireAdmin } from "./admin-auth.ts";
import { fromTopicAdminError } from "./errors.ts";

/** Runs a TopicAdmin call, turning its refusals into GraphQL errors with codes. */
async function admin<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromTopicAdminError(error);
  }
}

export const mutationResolvers: MutationResolvers = {
  createTopic: (_parent, { input }, context) => {
    requireAdmin(context);
    return admin(() => context.services.topics.create(input));
  },

  updateTopic: (_parent, { slug, input }, context) => {
    requireAdmin(context);
    return admin(() => context.services.topics.update(slug, input));
  },

  deleteTopic: async (_parent, { slug }, context) => {
    requireAdmin(context);
    await admin(() => context.services.topics.delete(slug));
    return { slug };
  },
};
