/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment TopicFields on Topic {\n    slug\n    name\n    rule\n    description\n    status\n    createdAt\n    updatedAt\n  }\n": typeof types.TopicFieldsFragmentDoc,
    "\n  fragment PostFields on Tweet {\n    id\n    text\n    source\n    url\n    author {\n      id\n      username\n    }\n    createdAt\n    editedAt\n    label\n    score\n    notClassifiedLanguage\n    cursor\n  }\n": typeof types.PostFieldsFragmentDoc,
    "\n  fragment StatsFields on TopicStats {\n    topic\n    window\n    buckets {\n      minute\n      traffic\n      nonTraffic\n      notClassified\n      total\n    }\n    totals {\n      traffic\n      nonTraffic\n      notClassified\n      total\n    }\n  }\n": typeof types.StatsFieldsFragmentDoc,
    "\n  query Topics {\n    topics {\n      ...TopicFields\n    }\n  }\n": typeof types.TopicsDocument,
    "\n  subscription TopicsChanged {\n    topicsChanged {\n      kind\n      slug\n    }\n  }\n": typeof types.TopicsChangedDocument,
    "\n  query RecentTweets($topic: ID!, $labels: [Label!], $sources: [PostSource!], $first: Int!) {\n    tweets(topic: $topic, labels: $labels, sources: $sources, first: $first) {\n      edges {\n        cursor\n        node {\n          ...PostFields\n        }\n      }\n    }\n  }\n": typeof types.RecentTweetsDocument,
    "\n  subscription TweetAdded($topic: ID!, $labels: [Label!], $sources: [PostSource!], $after: String) {\n    tweetAdded(topic: $topic, labels: $labels, sources: $sources, after: $after) {\n      ...PostFields\n      classifiedAt\n    }\n  }\n": typeof types.TweetAddedDocument,
    "\n  query HistoryTweets(\n    $topic: ID!\n    $labels: [Label!]\n    $sources: [PostSource!]\n    $first: Int!\n    $after: String\n    $from: DateTime\n    $to: DateTime\n  ) {\n    tweets(\n      topic: $topic\n      labels: $labels\n      sources: $sources\n      first: $first\n      after: $after\n      from: $from\n      to: $to\n    ) {\n      edges {\n        cursor\n        node {\n          ...PostFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.HistoryTweetsDocument,
    "\n  subscription TweetReplay(\n    $topic: ID!\n    $labels: [Label!]\n    $sources: [PostSource!]\n    $from: DateTime!\n  ) {\n    tweetAdded(topic: $topic, labels: $labels, sources: $sources, from: $from) {\n      ...PostFields\n      classifiedAt\n    }\n  }\n": typeof types.TweetReplayDocument,
    "\n  subscription TweetDeleted($topic: ID!) {\n    tweetDeleted(topic: $topic) {\n      id\n      topic\n      editedAt\n    }\n  }\n": typeof types.TweetDeletedDocument,
    "\n  subscription TopicStatsLive($topic: ID!, $window: Int!) {\n    topicStats(topic: $topic, window: $window) {\n      ...StatsFields\n    }\n  }\n": typeof types.TopicStatsLiveDocument,
    "\n  query TopicStatsRange($topic: ID!, $from: DateTime!, $to: DateTime) {\n    topicStats(topic: $topic, from: $from, to: $to) {\n      bucket\n      buckets {\n        start\n        traffic\n        nonTraffic\n        notClassified\n      }\n      totals {\n        traffic\n        nonTraffic\n        notClassified\n        total\n      }\n    }\n  }\n": typeof types.TopicStatsRangeDocument,
    "\n  query ValidateRule($rule: String!) {\n    validateRule(rule: $rule) {\n      ok\n      position\n      message\n    }\n  }\n": typeof types.ValidateRuleDocument,
    "\n  subscription PreviewRule($rule: String!, $first: Int) {\n    previewRule(rule: $rule, first: $first) {\n      scanned\n      total\n      matched\n      complete\n      labels {\n        traffic\n        nonTraffic\n        notClassified\n        unknown\n      }\n      sample {\n        id\n        text\n        createdAt\n        label\n        author {\n          username\n        }\n      }\n    }\n  }\n": typeof types.PreviewRuleDocument,
    "\n  mutation CreateTopic($input: CreateTopicInput!) {\n    createTopic(input: $input) {\n      ...TopicFields\n    }\n  }\n": typeof types.CreateTopicDocument,
    "\n  mutation UpdateTopic($slug: ID!, $input: UpdateTopicInput!) {\n    updateTopic(slug: $slug, input: $input) {\n      ...TopicFields\n    }\n  }\n": typeof types.UpdateTopicDocument,
    "\n  mutation DeleteTopic($slug: ID!) {\n    deleteTopic(slug: $slug) {\n      slug\n    }\n  }\n": typeof types.DeleteTopicDocument,
};
const documents: Documents = {
    "\n  fragment TopicFields on Topic {\n    slug\n    name\n    rule\n    description\n    status\n    createdAt\n    updatedAt\n  }\n": types.TopicFieldsFragmentDoc,
    "\n  fragment PostFields on Tweet {\n    id\n    text\n    source\n    url\n    author {\n      id\n      username\n    }\n    createdAt\n    editedAt\n    label\n    score\n    notClassifiedLanguage\n    cursor\n  }\n": types.PostFieldsFragmentDoc,
    "\n  fragment StatsFields on TopicStats {\n    topic\n    window\n    buckets {\n      minute\n      traffic\n      nonTraffic\n      notClassified\n      total\n    }\n    totals {\n      traffic\n      nonTraffic\n      notClassified\n      total\n    }\n  }\n": types.StatsFieldsFragmentDoc,
    "\n  query Topics {\n    topics {\n      ...TopicFields\n    }\n  }\n": types.TopicsDocument,
    "\n  subscription TopicsChanged {\n    topicsChanged {\n      kind\n      slug\n    }\n  }\n": types.TopicsChangedDocument,
    "\n  query RecentTweets($topic: ID!, $labels: [Label!], $sources: [PostSource!], $first: Int!) {\n    tweets(topic: $topic, labels: $labels, sources: $sources, first: $first) {\n      edges {\n        cursor\n        node {\n          ...PostFields\n        }\n      }\n    }\n  }\n": types.RecentTweetsDocument,
    "\n  subscription TweetAdded($topic: ID!, $labels: [Label!], $sources: [PostSource!], $after: String) {\n    tweetAdded(topic: $topic, labels: $labels, sources: $sources, after: $after) {\n      ...PostFields\n      classifiedAt\n    }\n  }\n": types.TweetAddedDocument,
    "\n  query HistoryTweets(\n    $topic: ID!\n    $labels: [Label!]\n    $sources: [PostSource!]\n    $first: Int!\n    $after: String\n    $from: DateTime\n    $to: DateTime\n  ) {\n    tweets(\n      topic: $topic\n      labels: $labels\n      sources: $sources\n      first: $first\n      after: $after\n      from: $from\n      to: $to\n    ) {\n      edges {\n        cursor\n        node {\n          ...PostFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.HistoryTweetsDocument,
    "\n  subscription TweetReplay(\n    $topic: ID!\n    $labels: [Label!]\n    $sources: [PostSource!]\n    $from: DateTime!\n  ) {\n    tweetAdded(topic: $topic, labels: $labels, sources: $sources, from: $from) {\n      ...PostFields\n      classifiedAt\n    }\n  }\n": types.TweetReplayDocument,
    "\n  subscription TweetDeleted($topic: ID!) {\n    tweetDeleted(topic: $topic) {\n      id\n      topic\n      editedAt\n    }\n  }\n": types.TweetDeletedDocument,
    "\n  subscription TopicStatsLive($topic: ID!, $window: Int!) {\n    topicStats(topic: $topic, window: $window) {\n      ...StatsFields\n    }\n  }\n": types.TopicStatsLiveDocument,
    "\n  query TopicStatsRange($topic: ID!, $from: DateTime!, $to: DateTime) {\n    topicStats(topic: $topic, from: $from, to: $to) {\n      bucket\n      buckets {\n        start\n        traffic\n        nonTraffic\n        notClassified\n      }\n      totals {\n        traffic\n        nonTraffic\n        notClassified\n        total\n      }\n    }\n  }\n": types.TopicStatsRangeDocument,
    "\n  query ValidateRule($rule: String!) {\n    validateRule(rule: $rule) {\n      ok\n      position\n      message\n    }\n  }\n": types.ValidateRuleDocument,
    "\n  subscription PreviewRule($rule: String!, $first: Int) {\n    previewRule(rule: $rule, first: $first) {\n      scanned\n      total\n      matched\n      complete\n      labels {\n        traffic\n        nonTraffic\n        notClassified\n        unknown\n      }\n      sample {\n        id\n        text\n        createdAt\n        label\n        author {\n          username\n        }\n      }\n    }\n  }\n": types.PreviewRuleDocument,
    "\n  mutation CreateTopic($input: CreateTopicInput!) {\n    createTopic(input: $input) {\n      ...TopicFields\n    }\n  }\n": types.CreateTopicDocument,
    "\n  mutation UpdateTopic($slug: ID!, $input: UpdateTopicInput!) {\n    updateTopic(slug: $slug, input: $input) {\n      ...TopicFields\n    }\n  }\n": types.UpdateTopicDocument,
    "\n  mutation DeleteTopic($slug: ID!) {\n    deleteTopic(slug: $slug) {\n      slug\n    }\n  }\n": types.DeleteTopicDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TopicFields on Topic {\n    slug\n    name\n    rule\n    description\n    status\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment TopicFields on Topic {\n    slug\n    name\n    rule\n    description\n    status\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PostFields on Tweet {\n    id\n    text\n    source\n    url\n    author {\n      id\n      username\n    }\n    createdAt\n    editedAt\n    label\n    score\n    notClassifiedLanguage\n    cursor\n  }\n"): (typeof documents)["\n  fragment PostFields on Tweet {\n    id\n    text\n    source\n    url\n    author {\n      id\n      username\n    }\n    createdAt\n    editedAt\n    label\n    score\n    notClassifiedLanguage\n    cursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StatsFields on TopicStats {\n    topic\n    window\n    buckets {\n      minute\n      traffic\n      nonTraffic\n      notClassified\n      total\n    }\n    totals {\n      traffic\n      nonTraffic\n      notClassified\n      total\n    }\n  }\n"): (typeof documents)["\n  fragment StatsFields on TopicStats {\n    topic\n    window\n    buckets {\n      minute\n      traffic\n      nonTraffic\n      notClassified\n      total\n    }\n    totals {\n      traffic\n      nonTraffic\n      notClassified\n      total\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Topics {\n    topics {\n      ...TopicFields\n    }\n  }\n"): (typeof documents)["\n  query Topics {\n    topics {\n      ...TopicFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TopicsChanged {\n    topicsChanged {\n      kind\n      slug\n    }\n  }\n"): (typeof documents)["\n  subscription TopicsChanged {\n    topicsChanged {\n      kind\n      slug\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentTweets($topic: ID!, $labels: [Label!], $sources: [PostSource!], $first: Int!) {\n    tweets(topic: $topic, labels: $labels, sources: $sources, first: $first) {\n      edges {\n        cursor\n        node {\n          ...PostFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RecentTweets($topic: ID!, $labels: [Label!], $sources: [PostSource!], $first: Int!) {\n    tweets(topic: $topic, labels: $labels, sources: $sources, first: $first) {\n      edges {\n        cursor\n        node {\n          ...PostFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TweetAdded($topic: ID!, $labels: [Label!], $sources: [PostSource!], $after: String) {\n    tweetAdded(topic: $topic, labels: $labels, sources: $sources, after: $after) {\n      ...PostFields\n      classifiedAt\n    }\n  }\n"): (typeof documents)["\n  subscription TweetAdded($topic: ID!, $labels: [Label!], $sources: [PostSource!], $after: String) {\n    tweetAdded(topic: $topic, labels: $labels, sources: $sources, after: $after) {\n      ...PostFields\n      classifiedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HistoryTweets(\n    $topic: ID!\n    $labels: [Label!]\n    $sources: [PostSource!]\n    $first: Int!\n    $after: String\n    $from: DateTime\n    $to: DateTime\n  ) {\n    tweets(\n      topic: $topic\n      labels: $labels\n      sources: $sources\n      first: $first\n      after: $after\n      from: $from\n      to: $to\n    ) {\n      edges {\n        cursor\n        node {\n          ...PostFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query HistoryTweets(\n    $topic: ID!\n    $labels: [Label!]\n    $sources: [PostSource!]\n    $first: Int!\n    $after: String\n    $from: DateTime\n    $to: DateTime\n  ) {\n    tweets(\n      topic: $topic\n      labels: $labels\n      sources: $sources\n      first: $first\n      after: $after\n      from: $from\n      to: $to\n    ) {\n      edges {\n        cursor\n        node {\n          ...PostFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TweetReplay(\n    $topic: ID!\n    $labels: [Label!]\n    $sources: [PostSource!]\n    $from: DateTime!\n  ) {\n    tweetAdded(topic: $topic, labels: $labels, sources: $sources, from: $from) {\n      ...PostFields\n      classifiedAt\n    }\n  }\n"): (typeof documents)["\n  subscription TweetReplay(\n    $topic: ID!\n    $labels: [Label!]\n    $sources: [PostSource!]\n    $from: DateTime!\n  ) {\n    tweetAdded(topic: $topic, labels: $labels, sources: $sources, from: $from) {\n      ...PostFields\n      classifiedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TweetDeleted($topic: ID!) {\n    tweetDeleted(topic: $topic) {\n      id\n      topic\n      editedAt\n    }\n  }\n"): (typeof documents)["\n  subscription TweetDeleted($topic: ID!) {\n    tweetDeleted(topic: $topic) {\n      id\n      topic\n      editedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TopicStatsLive($topic: ID!, $window: Int!) {\n    topicStats(topic: $topic, window: $window) {\n      ...StatsFields\n    }\n  }\n"): (typeof documents)["\n  subscription TopicStatsLive($topic: ID!, $window: Int!) {\n    topicStats(topic: $topic, window: $window) {\n      ...StatsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TopicStatsRange($topic: ID!, $from: DateTime!, $to: DateTime) {\n    topicStats(topic: $topic, from: $from, to: $to) {\n      bucket\n      buckets {\n        start\n        traffic\n        nonTraffic\n        notClassified\n      }\n      totals {\n        traffic\n        nonTraffic\n        notClassified\n        total\n      }\n    }\n  }\n"): (typeof documents)["\n  query TopicStatsRange($topic: ID!, $from: DateTime!, $to: DateTime) {\n    topicStats(topic: $topic, from: $from, to: $to) {\n      bucket\n      buckets {\n        start\n        traffic\n        nonTraffic\n        notClassified\n      }\n      totals {\n        traffic\n        nonTraffic\n        notClassified\n        total\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ValidateRule($rule: String!) {\n    validateRule(rule: $rule) {\n      ok\n      position\n      message\n    }\n  }\n"): (typeof documents)["\n  query ValidateRule($rule: String!) {\n    validateRule(rule: $rule) {\n      ok\n      position\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PreviewRule($rule: String!, $first: Int) {\n    previewRule(rule: $rule, first: $first) {\n      scanned\n      total\n      matched\n      complete\n      labels {\n        traffic\n        nonTraffic\n        notClassified\n        unknown\n      }\n      sample {\n        id\n        text\n        createdAt\n        label\n        author {\n          username\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription PreviewRule($rule: String!, $first: Int) {\n    previewRule(rule: $rule, first: $first) {\n      scanned\n      total\n      matched\n      complete\n      labels {\n        traffic\n        nonTraffic\n        notClassified\n        unknown\n      }\n      sample {\n        id\n        text\n        createdAt\n        label\n        author {\n          username\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTopic($input: CreateTopicInput!) {\n    createTopic(input: $input) {\n      ...TopicFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTopic($input: CreateTopicInput!) {\n    createTopic(input: $input) {\n      ...TopicFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTopic($slug: ID!, $input: UpdateTopicInput!) {\n    updateTopic(slug: $slug, input: $input) {\n      ...TopicFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTopic($slug: ID!, $input: UpdateTopicInput!) {\n    updateTopic(slug: $slug, input: $input) {\n      ...TopicFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTopic($slug: ID!) {\n    deleteTopic(slug: $slug) {\n      slug\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteTopic($slug: ID!) {\n    deleteTopic(slug: $slug) {\n      slug\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;