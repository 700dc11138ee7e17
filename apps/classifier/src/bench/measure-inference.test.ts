import { describe, expect, it } from "vitest";
import { loadModel } from "../model.ts";
import { benchPosts } from "./bench-posts.ts";
import { measureInference } from "./measure-inference.ts";

// A benchmark's plumbing: it checks what is reported, never how fast.
describe("measureInference", () => {
  it("reports throughput and call times per batch size, JSON-serialisable", async () => {
    const posts = await benchPosts();
    const measurement = await measureInference({ posts, batchSizes: [1, 64], durationMs: 100 });
    console.log(JSON.stringify(measurement.results));
    expect(measurement.model.name).toBe("traffic-tfidf-svm");
    expect(measurement.distinctPosts).toBe(304);
    expect(measurement.results.map((r) => r.batchSize)).toEqual([1, 64]);
    for (const result of measurement.results) {
      expect(result.posts).toBe(result.calls * result.batchSize);
      expect(result.postsPerSecond).toBeCloseTo(result.posts / result.seconds, 6);
      expect(result.callMs.p50).toBeLessThanOrEqual(result.callMs.p99);
      expect(result.cpuSeconds).toBeGreaterThan(0);
    }
    expect(JSON.parse(JSON.stringify(measurement))).toEqual(measurement);
  });

  it("uses a given model and leaves it open", async () => {
    const model = await loadModel();
    try {
      const measurement = await measureInference({
        posts: ["macet parah"],
        batchSizes: [3],
        durationMs: 20,
        model,
      });
      expect(measurement.results[0]?.posts).toBeGreaterThanOrEqual(3);
      expect(await model.classify(["macet parah"])).toHaveLength(1);
    } finally {
      await model.close();
    }
  });

  it("refuses no posts and a batch size that is not a positive integer", async () => {
    await expect(measureInference({ posts: [] })).rejects.toThrow(/at least one post/);
    await expect(
      measureInference({ posts: ["macet"], batchSizes: [0], durationMs: 10 }),
    ).rejects.toThrow(/batch size 0/);
  });
});
