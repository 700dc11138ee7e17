// The GraphQL enums and the Kafka contract's values: `Label` (TRAFFIC ↔
// "traffic", NON_TRAFFIC ↔ "non_traffic", NOT_CLASSIFIED ↔ "not_classified")
// and `PostSource` (BLUESKY ↔ "bluesky", …).
import type { PostLabel, PostSource as KafkaPostSource } from "@tweetream/shared";
import type { Label, PostSource } from "../generated/graphql.ts";

const toGraphQL = {
  traffic: "TRAFFIC",
  non_traffic: "NON_TRAFFIC",
  not_classified: "NOT_CLASSIFIED",
} as const satisfies Record<PostLabel, Label>;

/** The other way round of a one-to-one table. */
function inverse<K extends string, V extends string>(table: Record<K, V>): Record<V, K> {
  return Object.fromEntries(Object.entries(table).map(([key, value]) => [value, key])) as Record<
    V,
    K
  >;
}

const toPost = inverse<PostLabel, Label>(toGraphQL);

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

const sourceToPost = inverse<KafkaPostSource, PostSource>(sourceToGraphQL);

/** The post source of a GraphQL `PostSource`. */
export function postSource(source: PostSource): KafkaPostSource {
  return sourceToPost[source];
}

/** The GraphQL `PostSource` of a post's source. */
export function graphqlSource(source: KafkaPostSource): PostSource {
  return sourceToGraphQL[source];
}
