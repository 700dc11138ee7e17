import { describe, expect, it } from "vitest";
import { bucketQuantile, bucketsBy, bucketsSince, parsePrometheus } from "./prometheus.ts";

const scrape = (counts: [string, number][], stage = "delivered") =>
  parsePrometheus(
    counts
      .map(
        ([le, n]) => `tweetream_pipeline_latency_seconds_bucket{le="${le}",stage="${stage}"} ${n}`,
      )
      .join("\n"),
  );

describe("bucketQuantile", () => {
  it("interpolates inside the bucket that holds the quantile, like histogram_quantile", () => {
    const buckets = bucketsBy(
      scrape([
        ["0.01", 50],
        ["0.05", 90],
        ["0.1", 100],
        ["+Inf", 100],
      ]),
      "tweetream_pipeline_latency_seconds",
      "stage",
    ).delivered;
    if (!buckets) throw new Error("no buckets");
    // Rank 50 is the top of the first bucket, [0, 0.01].
    expect(bucketQuantile(buckets, 0.5)).toBeCloseTo(0.01);
    // Rank 99 is 9 of the 10 observations of (0.05, 0.1].
    expect(bucketQuantile(buckets, 0.99)).toBeCloseTo(0.095);
  });

  it("gives the highest finite bound for a quantile in +Inf, null without observations", () => {
    const high = new Map([
      [0.1, 1],
      [Number.POSITIVE_INFINITY, 10],
    ]);
    expect(bucketQuantile(high, 0.99)).toBe(0.1);
    expect(bucketQuantile(new Map([[Number.POSITIVE_INFINITY, 0]]), 0.99)).toBeNull();
  });
});

describe("bucketsSince", () => {
  it("keeps only what was observed between two scrapes, per stage", () => {
    const name = "tweetream_pipeline_latency_seconds";
    const before = bucketsBy(
      [
        ...scrape([
          ["0.01", 5],
          ["+Inf", 5],
        ]),
        ...scrape([["+Inf", 3]], "classified"),
      ],
      name,
      "stage",
    );
    const after = bucketsBy(
      scrape([
        ["0.01", 5],
        ["+Inf", 9],
      ]),
      name,
      "stage",
    );
    const since = bucketsSince(after.delivered ?? new Map<number, number>(), before.delivered);
    expect([...since]).toEqual([
      [0.01, 0],
      [Number.POSITIVE_INFINITY, 4],
    ]);
  });
});
