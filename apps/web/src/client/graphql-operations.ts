// Every GraphQL operation the dashboard sends. GraphQL Code Generator reads the
// `graphql()` documents below and types them from src/server/schema.graphql
// (generated/, see codegen.ts), so a document and its result type cannot drift.
import { graphql } from "./generated/index.ts";
import type { TopicFieldsFragment, PostFieldsFragment } from "./generated/graphql.ts";

export type { Label, PostSource } from "./generated/graphql.ts";
export type Topic = TopicFieldsFragment;
export type Post = PostFieldsFragment;

// Declared for codegen only: it appends a fragment to every document that
// spreads it and inlines its fields into that result type (no masking).
graphql(`
  fragment TopicFields on Topic {
    slug
    name
    rule
    description
    status
    createdAt
    updatedAt
  }
`);

graphql(`
  fragment PostFields on Tweet {
    id
    text
    source
    url
    author {
      id
      username
    }
    createdAt
    editedAt
    label
    score
    notClassifiedLanguage
    cursor
  }
`);

graphql(`
  fragment StatsFields on TopicStats {
    topic
    window
    buckets {
      minute
      traffic
      nonTraffic
      notClassified
      total
    }
    totals {
      traffic
      nonTraffic
      notClassified
      total
    }
  }
`);

export const TOPICS = graphql(`
  query Topics {
    topics {
      ...TopicFields
    }
  }
`);

export const TOPICS_CHANGED = graphql(`
  subscription TopicsChanged {
    topicsChanged {
      kind
      slug
    }
  }
`);

export const RECENT_TWEETS = graphql(`
  query RecentTweets($topic: ID!, $labels: [Label!], $sources: [PostSource!], $first: Int!) {
    tweets(topic: $topic, labels: $labels, sources: $sources, first: $first) {
      edges {
        cursor
        node {
          ...PostFields
        }
      }
    }
  }
`);

export const TWEET_ADDED = graphql(`
  subscription TweetAdded($topic: ID!, $labels: [Label!], $sources: [PostSource!], $after: String) {
    tweetAdded(topic: $topic, labels: $labels, sources: $sources, after: $after) {
      ...PostFields
      classifiedAt
    }
  }
`);

export const HISTORY_TWEETS = graphql(`
  query HistoryTweets(
    $topic: ID!
    $labels: [Label!]
    $sources: [PostSource!]
    $first: Int!
    $after: String
    $from: DateTime
    $to: DateTime
  ) {
    tweets(
      topic: $topic
      labels: $labels
      sources: $sources
      first: $first
      after: $after
      from: $from
      to: $to
    ) {
      edges {
        cursor
        node {
          ...PostFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const TWEET_REPLAY = graphql(`
  subscription TweetReplay(
    $topic: ID!
    $labels: [Label!]
    $sources: [PostSource!]
    $from: DateTime!
  ) {
    tweetAdded(topic: $topic, labels: $labels, sources: $sources, from: $from) {
      ...PostFields
      classifiedAt
    }
  }
`);

export const TWEET_DELETED = graphql(`
  subscription TweetDeleted($topic: ID!) {
    tweetDeleted(topic: $topic) {
      id
      topic
      editedAt
    }
  }
`);

export const TOPIC_STATS = graphql(`
  subscription TopicStatsLive($topic: ID!, $window: Int!) {
    topicStats(topic: $topic, window: $window) {
      ...StatsFields
    }
  }
`);

// The query's cost is its whole selection times its buckets (up to 1,440), so
// it asks for what the chart shows and no more: 11 × 1,440 stays under the
// default GRAPHQL_MAX_COST of 20,000.
export const TOPIC_STATS_RANGE = graphql(`
  query TopicStatsRange($topic: ID!, $from: DateTime!, $to: DateTime) {
    topicStats(topic: $topic, from: $from, to: $to) {
      bucket
      buckets {
        start
        traffic
        nonTraffic
        notClassified
      }
      totals {
        traffic
        nonTraffic
        notClassified
        total
      }
    }
  }
`);

export const VALIDATE_RULE = graphql(`
  query ValidateRule($rule: String!) {
    validateRule(rule: $rule) {
      ok
      position
      message
    }
  }
`);

/** What a rule would have matched in the last hour, with progress (admins only). */
export const PREVIEW_RULE = graphql(`
  subscription PreviewRule($rule: String!, $first: Int) {
    previewRule(rule: $rule, first: $first) {
      scanned
      total
      matched
      complete
      labels {
        traffic
        nonTraffic
        notClassified
        unknown
      }
      sample {
        id
        text
        createdAt
        label
        author {
          username
        }
      }
    }
  }
`);

export const CREATE_TOPIC = graphql(`
  mutation CreateTopic($input: CreateTopicInput!) {
    createTopic(input: $input) {
      ...TopicFields
    }
  }
`);

export const UPDATE_TOPIC = graphql(`
  mutation UpdateTopic($slug: ID!, $input: UpdateTopicInput!) {
    updateTopic(slug: $slug, input: $input) {
      ...TopicFields
    }
  }
`);

export const DELETE_TOPIC = graphql(`
  mutation DeleteTopic($slug: ID!) {
    deleteTopic(slug: $slug) {
      slug
    }
  }
`);
