// The GraphQL enums and the Kafka contract's values: `Label` (TRAFFIC ↔
// "traffic", NON_TRAFFIC ↔ "non_traffic") and `PostSource` (BLUESKY ↔ "bluesky", …).
import type { PostLabel, PostSource as KafkaPostSource } from "@tweetream/shared";
import type { Label, PostSource } from "../generated/graphql.ts";

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

const sourceToGraphQL = {
  synthetic: "SYNTHETIC",
  file: "FILE",
  x: "X",
  bluesky: "BLUESKY",
  mastodon: "MASTODON",
} as const satisfies Record<KafkaPostSource, PostSource>;

const sourceToPost = Object.fromEntries(
  Object.entries(sourceToGraphQL).map(([post, graphql]) => [graphql, post]),
) as Record<PostSource, KafkaPostSource>;

/** The post source of a GraphQL `PostSource`. */
export function postSource(source: PostSource): KafkaPostSource {
  return sourceToPost[source];
}

/** The GraphQL `PostSource` of a post's source. */
export function graphqlSource(source: KafkaPostSource): PostSource {
  return sourceToGraphQL[source];
}
