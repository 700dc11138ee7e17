import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import {
  HISTORY_TWEETS,
  RECENT_TWEETS,
  TOPIC_STATS,
  TOPIC_STATS_RANGE,
  TOPICS,
  TWEET_ADDED,
  TWEET_REPLAY,
} from "../../client/graphql-operations.ts";
import { webEnvSchema } from "../../env.ts";
import { costError, queryCost } from "./query-cost.ts";
import { createGatewaySchema } from "./schema.ts";

const schema = createGatewaySchema();
const cost = (query: string, variables: Record<string, unknown> = {}, topicCount = 0) =>
  queryCost({ schema, document: parse(query), variables, topicCount });
const DEFAULT_MAX_COST = webEnvSchema.parse({}).GRAPHQL_MAX_COST;

describe("queryCost", () => {
  it("prices a list field as its selection times its size", () => {
    // tweets 1 + 100 × (edges 1 + cursor 1 + node (1 + 3 fields)).
    expect(
      cost(`{ tweets(topic: "t", first: 100) { edges { cursor node { id text label } } } }`),
    ).toBe(601);
    // `first` defaults to 20; a variable is priced by its value.
    expect(cost(`{ tweets(topic: "t") { edges { node { id } } } }`)).toBe(1 + 20 * 3);
    expect(
      cost(`query ($n: Int) { tweets(topic: "t", first: $n) { edges { node { id } } } }`, {
        n: 7,
      }),
    ).toBe(1 + 7 * 3);
    // One bucket per minute of the window (default 60), on both operation types.
    expect(cost(`{ topicStats(topic: "t", window: 1440) { buckets { total } } }`)).toBe(
      1 + 1440 * 2,
    );
    expect(cost(`subscription { topicStats(topic: "t") { buckets { total } } }`)).toBe(1 + 60 * 2);
    // A range: its buckets (a week in hours); past the most buckets, the resolver says why.
    const range = `query ($from: DateTime, $to: DateTime, $bucket: StatsBucketSize) {
      topicStats(topic: "t", from: $from, to: $to, bucket: $bucket) { buckets { total } }
    }`;
    const week = { from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" };
    expect(cost(range, week)).toBe(1 + 168 * 2);
    expect(cost(range, { ...week, bucket: "DAY" })).toBe(1 + 7 * 2);
    expect(cost(range, { ...week, bucket: "MINUTE" })).toBe(1 + 1 * 2);
    // Only the buckets repeat: the totals and the rest are counted once.
    const withTotals = `query ($from: DateTime) {
      topicStats(topic: "t", from: $from, to: "2026-11-08T00:00:00Z") {
        from to bucket totals { traffic nonTraffic total } buckets { start total ... on StatsBucket { traffic } }
      }
    }`;
    expect(cost(withTotals, week)).toBe(1 + 3 + (1 + 3) + 168 * (1 + 3));
    // `topics` returns every topic.
    expect(cost(`{ topics { slug name } }`, {}, 250)).toBe(1 + 250 * 2);
  });

  it("repeats only the sample of a rule preview, and follows fragments", () => {
    // previewRule 1 + scanned 1 + labels (1 + 2) + 20 × sample (1 + id + author (1 + 1)).
    const preview = `{ previewRule(rule: "macet", first: 20) {
      scanned labels { traffic unknown } sample { id author { username } }
    } }`;
    expect(cost(preview)).toBe(1 + 1 + 3 + 20 * 4);
    // The same selection through fragments, on the subscription.
    const spread = `subscription { previewRule(rule: "macet", first: 20) { ...Preview } }
      fragment Preview on RulePreview { scanned labels { traffic unknown } sample { ...Post } }
      fragment Post on PreviewPost { id author { username } }`;
    expect(cost(spread)).toBe(1 + 1 + 3 + 20 * 4);
    // A fragment holding buckets is priced at what it selects, repeated per bucket.
    const stats = `{ topicStats(topic: "t", window: 10) { ...Stats } }
      fragment Stats on TopicStats { totals { total } buckets { start total } }`;
    expect(cost(stats)).toBe(1 + 2 + 10 * 3);
  });

  it("lets every dashboard operation through, and refuses 15 large pages", () => {
    const dashboard = {
      topics: queryCost({ schema, document: TOPICS, topicCount: 1000 }),
      recent: queryCost({
        schema,
        document: RECENT_TWEETS,
        variables: { topic: "t", first: 50 },
        topicCount: 0,
      }),
      history: queryCost({
        schema,
        document: HISTORY_TWEETS,
        variables: { topic: "t", first: 50, from: "2026-12-04T00:00:00Z" },
        topicCount: 0,
      }),
      live: queryCost({ schema, document: TWEET_ADDED, variables: { topic: "t" }, topicCount: 0 }),
      // A day per minute: the most buckets a range may have.
      statsRange: queryCost({
        schema,
        document: TOPIC_STATS_RANGE,
        variables: { topic: "t", from: "2026-12-03T00:00:00Z", to: "2026-12-04T00:00:00Z" },
        topicCount: 0,
      }),
      replay: queryCost({
        schema,
        document: TWEET_REPLAY,
        variables: { topic: "t", from: "2026-12-04T00:00:00Z" },
        topicCount: 0,
      }),
      stats: queryCost({
        schema,
        document: TOPIC_STATS,
        variables: { topic: "t", window: 30 },
        topicCount: 0,
      }),
    };
    for (const [name, value] of Object.entries(dashboard)) {
      expect(value, name).toBeLessThanOrEqual(DEFAULT_MAX_COST);
    }
    const page = `tweets(topic: "t", first: 100) { edges { cursor node { id text label score createdAt ingestedAt source url author { id username } } } }`;
    const flood = `{ ${Array.from({ length: 15 }, (_, i) => `a${String(i)}: ${page}`).join(" ")} }`;
    const error = costError({
      schema,
      document: parse(flood),
      topicCount: 0,
      maxCost: DEFAULT_MAX_COST,
    });
    expect(error?.extensions).toMatchObject({
      code: "GRAPHQL_VALIDATION_FAILED",
      cost: 15 * (1 + 100 * 14),
      maxCost: 20_000,
    });
    expect(
      costError({ schema, document: parse(`{ ${page} }`), topicCount: 0, maxCost: 20_000 }),
    ).toBeUndefined();
  });
});
