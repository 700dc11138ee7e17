// Field resolvers of the types whose parents are our own objects (codegen's
// mappers): a Tweet is a TopicPost, stats buckets are the hub's counts.
import type { Resolvers } from "../generated/graphql.ts";
import { graphqlLabel, graphqlSource } from "./labels.ts";

export const typeResolvers: Resolvers = {
  Tweet: {
    id: (item) => item.post.id,
    topic: (item) => item.slug,
    text: (item) => item.post.text,
    cleanText: (item) => item.post.cleanText,
    source: (item) => graphqlSource(item.post.source),
    url: (item) => item.post.url ?? null,
    author: (item) => item.post.author,
    createdAt: (item) => item.post.createdAt,
    editedAt: (item) => item.post.editedAt ?? null,
    lang: (item) => item.post.lang,
    topics: (item) => item.post.topics,
    label: (item) => graphqlLabel(item.post.label),
    score: (item) => item.post.score,
    notClassifiedLanguage: (item) => item.post.gate?.language ?? null,
    model: (item) => item.post.model,
    ingestedAt: (item) => item.post.ingestedAt,
    classifiedAt: (item) => item.post.classifiedAt,
    cursor: (item) => item.cursor,
  },

  TweetConnection: {
    edges: (page) => page.items.map((item) => ({ cursor: item.cursor, node: item })),
    pageInfo: (page) => ({
      hasNextPage: page.hasNextPage,
      endCursor: page.endCursor ?? page.items.at(-1)?.cursor ?? null,
      hasPreviousPage: page.hasPreviousPage ?? false,
      startCursor: page.startCursor ?? page.items[0]?.cursor ?? null,
    }),
  },

  TopicStats: {
    countedThrough: (stats) => stats.countedThrough ?? null,
  },

  StatsBucket: {
    start: (bucket) => bucket.minute,
    minute: (bucket) => bucket.minute,
    total: (bucket) => bucket.traffic + bucket.nonTraffic + bucket.notClassified,
  },

  LabelCounts: {
    total: (counts) => counts.traffic + counts.nonTraffic + counts.notClassified,
  },
};
