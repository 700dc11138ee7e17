// Every GraphQL operation the dashboard sends, with hand-written result types
// matching apps/web/src/server/schema.graphql.
import type { TypedDocumentNode } from "@apollo/client";
import { gql } from "@apollo/client";

export type Label = "TRAFFIC" | "NON_TRAFFIC" | "NOT_CLASSIFIED";
export type TopicStatus = "PENDING" | "ACTIVE" | "DELETING";
export type PostSource = "SYNTHETIC" | "FILE" | "X" | "BLUESKY" | "MASTODON";

export interface Topic {
  slug: string;
  name: string;
  rule: string;
  description: string;
  status: TopicStatus;
  createdAt: string;
  updatedAt: string;
}

export interface Tweet {
  id: string;
  text: string;
  source: PostSource;
  url: string | null;
  author: { id: string; username: string };
  createdAt: string;
  editedAt: string | null;
  label: Label;
  score: number;
  notClassifiedLanguage: string | null;
  cursor: string;
}

export interface StatsBucket {
  minute: string;
  traffic: number;
  nonTraffic: number;
  notClassified: number;
  total: number;
}

export interface TopicStats {
  topic: string;
  window: number;
  buckets: StatsBucket[];
  totals: { traffic: number; nonTraffic: number; notClassified: number; total: number };
}

const TOPIC_FIELDS = gql`
  fragment TopicFields on Topic {
    slug
    name
    rule
    description
    status
    createdAt
    updatedAt
  }
`;

const TWEET_FIELDS = gql`
  fragment TweetFields on Tweet {
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
`;

const STATS_FIELDS = gql`
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
`;

export const TOPICS: TypedDocumentNode<{ topics: Topic[] }, Record<string, never>> = gql`
  ${TOPIC_FIELDS}
  query Topics {
    topics {
      ...TopicFields
    }
  }
`;

export const TOPICS_CHANGED: TypedDocumentNode<
  { topicsChanged: { kind: "CREATED" | "UPDATED" | "DELETED"; slug: string } },
  Record<string, never>
> = gql`
  subscription TopicsChanged {
    topicsChanged {
      kind
      slug
    }
  }
`;

interface FeedVariables {
  topic: string;
  labels?: Label[] | null;
  sources?: PostSource[] | null;
}

export const RECENT_TWEETS: TypedDocumentNode<
  { tweets: { edges: { cursor: string; node: Tweet }[] } },
  FeedVariables & { first: number }
> = gql`
  ${TWEET_FIELDS}
  query RecentTweets($topic: ID!, $labels: [Label!], $sources: [PostSource!], $first: Int!) {
    tweets(topic: $topic, labels: $labels, sources: $sources, first: $first) {
      edges {
        cursor
        node {
          ...TweetFields
        }
      }
    }
  }
`;

export const TWEET_ADDED: TypedDocumentNode<
  { tweetAdded: Tweet },
  FeedVariables & { after?: string | null }
> = gql`
  ${TWEET_FIELDS}
  subscription TweetAdded($topic: ID!, $labels: [Label!], $sources: [PostSource!], $after: String) {
    tweetAdded(topic: $topic, labels: $labels, sources: $sources, after: $after) {
      ...TweetFields
    }
  }
`;

export const TWEET_DELETED: TypedDocumentNode<
  { tweetDeleted: { id: string; topic: string; editedAt: string | null } },
  { topic: string }
> = gql`
  subscription TweetDeleted($topic: ID!) {
    tweetDeleted(topic: $topic) {
      id
      topic
      editedAt
    }
  }
`;

export const TOPIC_STATS: TypedDocumentNode<
  { topicStats: TopicStats },
  { topic: string; window: number }
> = gql`
  ${STATS_FIELDS}
  subscription TopicStatsLive($topic: ID!, $window: Int!) {
    topicStats(topic: $topic, window: $window) {
      ...StatsFields
    }
  }
`;

export const VALIDATE_RULE: TypedDocumentNode<
  { validateRule: { ok: boolean; position: number | null; message: string | null } },
  { rule: string }
> = gql`
  query ValidateRule($rule: String!) {
    validateRule(rule: $rule) {
      ok
      position
      message
    }
  }
`;

export interface TopicInput {
  name: string;
  rule: string;
  description: string;
}

export const CREATE_TOPIC: TypedDocumentNode<
  { createTopic: Topic },
  { input: TopicInput & { slug: string } }
> = gql`
  ${TOPIC_FIELDS}
  mutation CreateTopic($input: CreateTopicInput!) {
    createTopic(input: $input) {
      ...TopicFields
    }
  }
`;

export const UPDATE_TOPIC: TypedDocumentNode<
  { updateTopic: Topic },
  { slug: string; input: TopicInput }
> = gql`
  ${TOPIC_FIELDS}
  mutation UpdateTopic($slug: ID!, $input: UpdateTopicInput!) {
    updateTopic(slug: $slug, input: $input) {
      ...TopicFields
    }
  }
`;

export const DELETE_TOPIC: TypedDocumentNode<{ deleteTopic: { slug: string } }, { slug: string }> =
  gql`
    mutation DeleteTopic($slug: ID!) {
      deleteTopic(slug: $slug) {
        slug
      }
    }
  `;
