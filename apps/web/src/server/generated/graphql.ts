import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { TopicRecord } from '../topics/index.ts';
import type { TopicPost, PostPage, MinuteBucket, LabelCounts as LabelCountsMapper } from '../hub/index.ts';
import type { TopicStatsMapper, TopicChangeMapper } from '../graphql/mappers.ts';
import type { GatewayContext } from '../graphql/context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO 8601 date-time in UTC, e.g. 2026-11-26T08:00:00.000Z. */
  DateTime: { input: Date; output: Date | string | number; }
};

export type Author = {
  __typename?: 'Author';
  /** The source's id of the author: an X user id, a Bluesky DID, … */
  id: Scalars['ID']['output'];
  /** The handle, without `@`; empty when the source has not told it (a Bluesky author whose handle is not known yet). */
  username: Scalars['String']['output'];
};

export type CreateTopicInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  rule: Scalars['String']['input'];
  slug: Scalars['ID']['input'];
};

export type DeletedTopic = {
  __typename?: 'DeletedTopic';
  slug: Scalars['ID']['output'];
};

/** A post's label: the model's, or NOT_CLASSIFIED for a post in a language the model was not trained for. */
export type Label =
  | 'NON_TRAFFIC'
  /** In a language the model was not trained for (see `Tweet.notClassifiedLanguage`); the model did not label it. */
  | 'NOT_CLASSIFIED'
  | 'TRAFFIC';

export type LabelCounts = {
  __typename?: 'LabelCounts';
  nonTraffic: Scalars['Int']['output'];
  /** Posts in a language the model was not trained for. */
  notClassified: Scalars['Int']['output'];
  total: Scalars['Int']['output'];
  traffic: Scalars['Int']['output'];
};

export type ModelInfo = {
  __typename?: 'ModelInfo';
  name: Scalars['String']['output'];
  version: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Admins only. Returns once the topic is usable. */
  createTopic: Topic;
  /** Admins only. Subscribers of the topic get a clean end of their subscription. */
  deleteTopic: DeletedTopic;
  /** Admins only. */
  updateTopic: Topic;
};


export type MutationCreateTopicArgs = {
  input: CreateTopicInput;
};


export type MutationDeleteTopicArgs = {
  slug: Scalars['ID']['input'];
};


export type MutationUpdateTopicArgs = {
  input: UpdateTopicInput;
  slug: Scalars['ID']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge, or of where a page that stopped early (the scan limit) stopped. */
  endCursor: Maybe<Scalars['String']['output']>;
  /** More posts after the last edge (older ones). */
  hasNextPage: Scalars['Boolean']['output'];
  /** More posts before the first edge (newer ones). Always false for `first`/`after` pages. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge. */
  startCursor: Maybe<Scalars['String']['output']>;
};

/** Where a post came from (the streamer's `STREAMER_SOURCE`). */
export type PostSource =
  | 'BLUESKY'
  | 'FILE'
  | 'MASTODON'
  | 'SYNTHETIC'
  | 'X';

/** Matched posts by label. */
export type PreviewLabelCounts = {
  __typename?: 'PreviewLabelCounts';
  nonTraffic: Scalars['Int']['output'];
  notClassified: Scalars['Int']['output'];
  traffic: Scalars['Int']['output'];
  /** Matched posts whose label was not found (their topic was deleted since, or it was not in its log). */
  unknown: Scalars['Int']['output'];
};

/** A post a previewed rule matched. */
export type PreviewPost = {
  __typename?: 'PreviewPost';
  author: Author;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Its label, when found; null otherwise. */
  label: Maybe<Label>;
  lang: Scalars['String']['output'];
  source: PostSource;
  text: Scalars['String']['output'];
  /** The topics it matched when it passed through. */
  topics: Array<Scalars['ID']['output']>;
  url: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /**
   * Admins only. What `rule` would have matched among the posts that passed through
   * `tweetream.tweets.preprocessed` in [from, to) (default: the last hour): counts per label
   * and a sample of `first` (0-20) posts, newest first. Bounded in time and posts scanned
   * (`complete` false when it stopped early) and rate-limited; the `previewRule`
   * subscription reports progress on a long scan. See docs/API.md, "Rule preview".
   */
  previewRule: RulePreview;
  topic: Maybe<Topic>;
  /**
   * Posts per label over the last `window` minutes (1-1440), per minute, from this web
   * process's memory. With `from` (and optionally `to`, default now): any range within the
   * topic's Kafka retention, per `bucket` (default: the smallest size giving at most 1,440
   * buckets), from counts kept in the catalogue database (docs/API.md, "Counts over a range").
   */
  topicStats: TopicStats;
  /** Every topic, by slug. */
  topics: Array<Topic>;
  /**
   * Classified posts of a topic, newest first. `first` is 1-100. Without `from` and `to`:
   * the recent posts this web process keeps in memory. With either: the topic's Kafka log,
   * anything within its retention (HISTORY_EXPIRED, with the oldest moment kept, for older).
   */
  tweets: TweetConnection;
  /** Checks a rule without saving anything (for rule editors). */
  validateRule: RuleValidation;
};


export type QueryPreviewRuleArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  rule: Scalars['String']['input'];
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryTopicArgs = {
  slug: Scalars['ID']['input'];
};


export type QueryTopicStatsArgs = {
  bucket?: InputMaybe<StatsBucketSize>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
  topic: Scalars['ID']['input'];
  window?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryTweetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  labels?: InputMaybe<Array<Label>>;
  last?: InputMaybe<Scalars['Int']['input']>;
  sources?: InputMaybe<Array<PostSource>>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
  topic: Scalars['ID']['input'];
};


export type QueryValidateRuleArgs = {
  rule: Scalars['String']['input'];
};

/** What a rule would have matched in a time range. */
export type RulePreview = {
  __typename?: 'RulePreview';
  /** True once every post of the range was looked at; false while scanning or when the scan stopped at its time or post limit (the counts then cover the newest `scanned` posts). */
  complete: Scalars['Boolean']['output'];
  from: Scalars['DateTime']['output'];
  labels: PreviewLabelCounts;
  /** Posts the rule matched among those scanned. */
  matched: Scalars['Int']['output'];
  rule: Scalars['String']['output'];
  /** Up to `first` matched posts, newest first. */
  sample: Array<PreviewPost>;
  /** Posts in the range looked at so far. */
  scanned: Scalars['Int']['output'];
  to: Scalars['DateTime']['output'];
  /** Records in the range (by their offsets), for progress: `scanned` of `total`. `complete` says whether the scan finished. */
  total: Scalars['Int']['output'];
};

/** The outcome of checking a rule. */
export type RuleValidation = {
  __typename?: 'RuleValidation';
  message: Maybe<Scalars['String']['output']>;
  ok: Scalars['Boolean']['output'];
  /** 0-based character position of the problem, when not ok. */
  position: Maybe<Scalars['Int']['output']>;
};

/** Posts counted in one bucket (a minute, an hour or a UTC day). */
export type StatsBucket = {
  __typename?: 'StatsBucket';
  /** Start of the bucket (the same as `start`; from when every bucket was a minute). */
  minute: Scalars['DateTime']['output'];
  nonTraffic: Scalars['Int']['output'];
  /** Posts in a language the model was not trained for. */
  notClassified: Scalars['Int']['output'];
  /** Start of the bucket. */
  start: Scalars['DateTime']['output'];
  total: Scalars['Int']['output'];
  traffic: Scalars['Int']['output'];
};

/** The size of a topicStats bucket. */
export type StatsBucketSize =
  /** A UTC day. */
  | 'DAY'
  | 'HOUR'
  | 'MINUTE';

export type Subscription = {
  __typename?: 'Subscription';
  /** Admins only. `Query.previewRule` with progress: a partial result about every half second, then the final one (`complete`, or the limit reached), then the end. */
  previewRule: RulePreview;
  /** A fresh figure every second. */
  topicStats: TopicStats;
  /** Every topic creation, update and deletion. */
  topicsChanged: TopicChange;
  /**
   * Each new classified post of `topic` (optionally only these labels). With
   * `after` (a cursor), first replays the posts after it that are still in the
   * server's history, so a reconnecting client misses nothing. A subscriber that
   * falls behind the history gets an error with code SUBSCRIBER_TOO_SLOW and the
   * `cursor` to resume from in its extensions. With `from` (instead of `after`),
   * first replays the topic's posts from that moment on out of its Kafka log, at
   * most WEB_REPLAY_RATE a second, then goes on live with no gap and no repeat;
   * HISTORY_EXPIRED when the moment is older than what Kafka keeps.
   */
  tweetAdded: Tweet;
  /**
   * The posts of `topic` deleted at their source (a Bluesky post its author
   * deleted) while this server held them in the topic's history: they have left
   * it, and a client drops them from what it shows. Posts deleted before they
   * reach the server never appear in `tweetAdded` or `tweets` at all.
   */
  tweetDeleted: TweetDeletion;
};


export type SubscriptionPreviewRuleArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  rule: Scalars['String']['input'];
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


export type SubscriptionTopicStatsArgs = {
  topic: Scalars['ID']['input'];
  window?: InputMaybe<Scalars['Int']['input']>;
};


export type SubscriptionTweetAddedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  labels?: InputMaybe<Array<Label>>;
  sources?: InputMaybe<Array<PostSource>>;
  topic: Scalars['ID']['input'];
};


export type SubscriptionTweetDeletedArgs = {
  topic: Scalars['ID']['input'];
};

/** A user topic: posts whose text matches `rule` are delivered to it. */
export type Topic = {
  __typename?: 'Topic';
  createdAt: Scalars['DateTime']['output'];
  description: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** A rule in Tweetream's subset of X's filtered-stream syntax (docs/RULES.md). */
  rule: Scalars['String']['output'];
  /** 2-63 lowercase letters, digits and single hyphens. */
  slug: Scalars['ID']['output'];
  status: TopicStatus;
  updatedAt: Scalars['DateTime']['output'];
};

export type TopicChange = {
  __typename?: 'TopicChange';
  kind: TopicChangeKind;
  slug: Scalars['ID']['output'];
  /** The topic after the change; null when deleted. */
  topic: Maybe<Topic>;
};

export type TopicChangeKind =
  | 'CREATED'
  | 'DELETED'
  | 'UPDATED';

export type TopicStats = {
  __typename?: 'TopicStats';
  bucket: StatsBucketSize;
  /** One bucket per `bucket` of the window or range, oldest first, including empty ones. */
  buckets: Array<StatsBucket>;
  /**
   * For a range (`from`/`to`): posts recorded in Kafka before this moment are all counted.
   * The counts follow the topics' Kafka logs a few seconds behind; null for `window`.
   */
  countedThrough: Maybe<Scalars['DateTime']['output']>;
  /** Start of the first bucket. */
  from: Scalars['DateTime']['output'];
  /** End of the last bucket. */
  to: Scalars['DateTime']['output'];
  topic: Scalars['ID']['output'];
  /** Sums over the window or range. */
  totals: LabelCounts;
  /** Length of the window (or of the range `from`-`to`) in minutes. */
  window: Scalars['Int']['output'];
};

/** Where a topic stands between the catalogue and Kafka. */
export type TopicStatus =
  /** Usable: posts that match its rule are delivered. */
  | 'ACTIVE'
  /** Being deleted. */
  | 'DELETING'
  /** Being created; not yet usable. */
  | 'PENDING';

/** A classified post as delivered to one topic. */
export type Tweet = {
  __typename?: 'Tweet';
  author: Author;
  /** When the classifier labelled it (epoch milliseconds). */
  classifiedAt: Scalars['Float']['output'];
  cleanText: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** Opaque Kafka position of this post in its topic (an offset per partition), for `tweets(after:)` and `tweetAdded(after:)`. */
  cursor: Scalars['String']['output'];
  /** When the author last edited it (Mastodon); null when it was never edited. An edited version replaces the earlier ones: `tweetDeleted` tells of them with this `editedAt`, and `tweetAdded` delivers the new version with the same `id`. */
  editedAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** When the streamer took the post in (epoch milliseconds). */
  ingestedAt: Scalars['Float']['output'];
  label: Label;
  lang: Scalars['String']['output'];
  model: ModelInfo;
  /** When NOT_CLASSIFIED: the language that kept the post from the model (a BCP 47 tag, from the source or from language detection); null otherwise. */
  notClassifiedLanguage: Maybe<Scalars['String']['output']>;
  /** Model confidence in `label`, 0 to 1; 0 when NOT_CLASSIFIED. */
  score: Scalars['Float']['output'];
  /** The source the post came from. */
  source: PostSource;
  /** The original text. Render it as text, never as HTML. */
  text: Scalars['String']['output'];
  /** The topic (slug) it was delivered to. */
  topic: Scalars['ID']['output'];
  /** Every topic the post matched. */
  topics: Array<Scalars['ID']['output']>;
  /** A link to the post on its service, where the source has one (Bluesky, Mastodon); null otherwise. */
  url: Maybe<Scalars['String']['output']>;
};

/** Posts, newest first. */
export type TweetConnection = {
  __typename?: 'TweetConnection';
  edges: Array<TweetEdge>;
  pageInfo: PageInfo;
};

/** A post deleted at its source. */
export type TweetDeletion = {
  __typename?: 'TweetDeletion';
  /** Set when the post was edited, not deleted: only its versions edited before this moment (or never) are gone, and the version edited at this moment comes (or came) through `tweetAdded`. Null: every version is gone. */
  editedAt: Maybe<Scalars['DateTime']['output']>;
  /** The deleted post's id (its `Tweet.id`). */
  id: Scalars['ID']['output'];
  /** The topic (slug) it was in. */
  topic: Scalars['ID']['output'];
};

export type TweetEdge = {
  __typename?: 'TweetEdge';
  cursor: Scalars['String']['output'];
  node: Tweet;
};

export type UpdateTopicInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  rule?: InputMaybe<Scalars['String']['input']>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Author: ResolverTypeWrapper<Author>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CreateTopicInput: CreateTopicInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeletedTopic: ResolverTypeWrapper<DeletedTopic>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Label: Label;
  LabelCounts: ResolverTypeWrapper<LabelCountsMapper>;
  ModelInfo: ResolverTypeWrapper<ModelInfo>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PostSource: PostSource;
  PreviewLabelCounts: ResolverTypeWrapper<PreviewLabelCounts>;
  PreviewPost: ResolverTypeWrapper<PreviewPost>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RulePreview: ResolverTypeWrapper<RulePreview>;
  RuleValidation: ResolverTypeWrapper<RuleValidation>;
  StatsBucket: ResolverTypeWrapper<MinuteBucket>;
  StatsBucketSize: StatsBucketSize;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Topic: ResolverTypeWrapper<TopicRecord>;
  TopicChange: ResolverTypeWrapper<TopicChangeMapper>;
  TopicChangeKind: TopicChangeKind;
  TopicStats: ResolverTypeWrapper<TopicStatsMapper>;
  TopicStatus: TopicStatus;
  Tweet: ResolverTypeWrapper<TopicPost>;
  TweetConnection: ResolverTypeWrapper<PostPage>;
  TweetDeletion: ResolverTypeWrapper<TweetDeletion>;
  TweetEdge: ResolverTypeWrapper<Omit<TweetEdge, 'node'> & { node: ResolversTypes['Tweet'] }>;
  UpdateTopicInput: UpdateTopicInput;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Author: Author;
  Boolean: Scalars['Boolean']['output'];
  CreateTopicInput: CreateTopicInput;
  DateTime: Scalars['DateTime']['output'];
  DeletedTopic: DeletedTopic;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  LabelCounts: LabelCountsMapper;
  ModelInfo: ModelInfo;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  PreviewLabelCounts: PreviewLabelCounts;
  PreviewPost: PreviewPost;
  Query: Record<PropertyKey, never>;
  RulePreview: RulePreview;
  RuleValidation: RuleValidation;
  StatsBucket: MinuteBucket;
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  Topic: TopicRecord;
  TopicChange: TopicChangeMapper;
  TopicStats: TopicStatsMapper;
  Tweet: TopicPost;
  TweetConnection: PostPage;
  TweetDeletion: TweetDeletion;
  TweetEdge: Omit<TweetEdge, 'node'> & { node: ResolversParentTypes['Tweet'] };
  UpdateTopicInput: UpdateTopicInput;
};

export type AuthorResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Author'] = ResolversParentTypes['Author']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  username?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeletedTopicResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['DeletedTopic'] = ResolversParentTypes['DeletedTopic']> = {
  slug?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type LabelCountsResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['LabelCounts'] = ResolversParentTypes['LabelCounts']> = {
  nonTraffic?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  notClassified?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  traffic?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ModelInfoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ModelInfo'] = ResolversParentTypes['ModelInfo']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  createTopic?: Resolver<ResolversTypes['Topic'], ParentType, ContextType, RequireFields<MutationCreateTopicArgs, 'input'>>;
  deleteTopic?: Resolver<ResolversTypes['DeletedTopic'], ParentType, ContextType, RequireFields<MutationDeleteTopicArgs, 'slug'>>;
  updateTopic?: Resolver<ResolversTypes['Topic'], ParentType, ContextType, RequireFields<MutationUpdateTopicArgs, 'input' | 'slug'>>;
};

export type PageInfoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PreviewLabelCountsResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PreviewLabelCounts'] = ResolversParentTypes['PreviewLabelCounts']> = {
  nonTraffic?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  notClassified?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  traffic?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unknown?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PreviewPostResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PreviewPost'] = ResolversParentTypes['PreviewPost']> = {
  author?: Resolver<ResolversTypes['Author'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['Label']>, ParentType, ContextType>;
  lang?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['PostSource'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  topics?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  previewRule?: Resolver<ResolversTypes['RulePreview'], ParentType, ContextType, RequireFields<QueryPreviewRuleArgs, 'first' | 'rule'>>;
  topic?: Resolver<Maybe<ResolversTypes['Topic']>, ParentType, ContextType, RequireFields<QueryTopicArgs, 'slug'>>;
  topicStats?: Resolver<ResolversTypes['TopicStats'], ParentType, ContextType, RequireFields<QueryTopicStatsArgs, 'topic' | 'window'>>;
  topics?: Resolver<Array<ResolversTypes['Topic']>, ParentType, ContextType>;
  tweets?: Resolver<ResolversTypes['TweetConnection'], ParentType, ContextType, RequireFields<QueryTweetsArgs, 'first' | 'topic'>>;
  validateRule?: Resolver<ResolversTypes['RuleValidation'], ParentType, ContextType, RequireFields<QueryValidateRuleArgs, 'rule'>>;
};

export type RulePreviewResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['RulePreview'] = ResolversParentTypes['RulePreview']> = {
  complete?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['PreviewLabelCounts'], ParentType, ContextType>;
  matched?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rule?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sample?: Resolver<Array<ResolversTypes['PreviewPost']>, ParentType, ContextType>;
  scanned?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type RuleValidationResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['RuleValidation'] = ResolversParentTypes['RuleValidation']> = {
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ok?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  position?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type StatsBucketResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['StatsBucket'] = ResolversParentTypes['StatsBucket']> = {
  minute?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  nonTraffic?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  notClassified?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  traffic?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  previewRule?: SubscriptionResolver<ResolversTypes['RulePreview'], "previewRule", ParentType, ContextType, RequireFields<SubscriptionPreviewRuleArgs, 'first' | 'rule'>>;
  topicStats?: SubscriptionResolver<ResolversTypes['TopicStats'], "topicStats", ParentType, ContextType, RequireFields<SubscriptionTopicStatsArgs, 'topic' | 'window'>>;
  topicsChanged?: SubscriptionResolver<ResolversTypes['TopicChange'], "topicsChanged", ParentType, ContextType>;
  tweetAdded?: SubscriptionResolver<ResolversTypes['Tweet'], "tweetAdded", ParentType, ContextType, RequireFields<SubscriptionTweetAddedArgs, 'topic'>>;
  tweetDeleted?: SubscriptionResolver<ResolversTypes['TweetDeletion'], "tweetDeleted", ParentType, ContextType, RequireFields<SubscriptionTweetDeletedArgs, 'topic'>>;
};

export type TopicResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Topic'] = ResolversParentTypes['Topic']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rule?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['TopicStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type TopicChangeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TopicChange'] = ResolversParentTypes['TopicChange']> = {
  kind?: Resolver<ResolversTypes['TopicChangeKind'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  topic?: Resolver<Maybe<ResolversTypes['Topic']>, ParentType, ContextType>;
};

export type TopicStatsResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TopicStats'] = ResolversParentTypes['TopicStats']> = {
  bucket?: Resolver<ResolversTypes['StatsBucketSize'], ParentType, ContextType>;
  buckets?: Resolver<Array<ResolversTypes['StatsBucket']>, ParentType, ContextType>;
  countedThrough?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  topic?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  totals?: Resolver<ResolversTypes['LabelCounts'], ParentType, ContextType>;
  window?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type TweetResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Tweet'] = ResolversParentTypes['Tweet']> = {
  author?: Resolver<ResolversTypes['Author'], ParentType, ContextType>;
  classifiedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  cleanText?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  editedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  ingestedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['Label'], ParentType, ContextType>;
  lang?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['ModelInfo'], ParentType, ContextType>;
  notClassifiedLanguage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['PostSource'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  topic?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  topics?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type TweetConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TweetConnection'] = ResolversParentTypes['TweetConnection']> = {
  edges?: Resolver<Array<ResolversTypes['TweetEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type TweetDeletionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TweetDeletion'] = ResolversParentTypes['TweetDeletion']> = {
  editedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  topic?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type TweetEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TweetEdge'] = ResolversParentTypes['TweetEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Tweet'], ParentType, ContextType>;
};

export type Resolvers<ContextType = GatewayContext> = {
  Author?: AuthorResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeletedTopic?: DeletedTopicResolvers<ContextType>;
  LabelCounts?: LabelCountsResolvers<ContextType>;
  ModelInfo?: ModelInfoResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PreviewLabelCounts?: PreviewLabelCountsResolvers<ContextType>;
  PreviewPost?: PreviewPostResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RulePreview?: RulePreviewResolvers<ContextType>;
  RuleValidation?: RuleValidationResolvers<ContextType>;
  StatsBucket?: StatsBucketResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Topic?: TopicResolvers<ContextType>;
  TopicChange?: TopicChangeResolvers<ContextType>;
  TopicStats?: TopicStatsResolvers<ContextType>;
  Tweet?: TweetResolvers<ContextType>;
  TweetConnection?: TweetConnectionResolvers<ContextType>;
  TweetDeletion?: TweetDeletionResolvers<ContextType>;
  TweetEdge?: TweetEdgeResolvers<ContextType>;
};

