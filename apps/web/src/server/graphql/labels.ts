// The GraphQL `Label` enum and the Kafka contract's labels: TRAFFIC ↔ "traffic",
// NON_TRAFFIC ↔ "non_traffic".
import type { PostLabel } from "@tweetream/shared";
import type { Label } from "../generated/graphql.ts";

const toPost = { TRAFFIC: "traffic", NON_TRAFFIC: "non_traffic" } as const satisfies Record<
  Label,
  PostLabel
>;
const toGraphQL = { traffic: "TRAFFIC", non_traffic: "NON_TRAFFIC" } as const satisfies Record<
  PostLabel,
  Label
>;

/** The post label of a GraphQL `Label`. */
export function postLabel(label: Label): PostLabel {
  return toPost[label];
}

/** The GraphQL `Label` of a post label. */
export function graphqlLabel(label: PostLabel): Label {
  return toGraphQL[label];
}
