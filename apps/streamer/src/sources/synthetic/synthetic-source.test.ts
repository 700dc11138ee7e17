import { describe, expect, it } from "vitest";
import { virtualClock } from "../pacer.ts";
import type { RawPost } from "../source.ts";
import { createSyntheticSource } from "./synthetic-source.ts";

/** Collects batches; aborts once `stop(batches)` says so. */
function collector(controller: AbortController, stop: (posts: RawPost[]) => boolean) {
  const posts: RawPost[] = [];
  const sizes: number[] = [];
  const emit = async (batch: readonly RawPost[]) => {
    posts.push(...batch);
    sizes.push(batch.length);
    if (stop(posts)) controller.abort();
  };
  return { posts, sizes, emit };
}

describe("synthetic source", () => {
  it("emits exactly rate × elapsed posts, in batches no larger than batchSize", async () => {
    const clock = virtualClock();
    const source = createSyntheticSource(
      { rate: 2_000, batchSize: 30, seed: 1, limit: 20_000 },
      { clock },
    );
    const { posts, sizes, emit } = collector(new AbortController(), () => false);
    await source.run(emit, new AbortController().signal);
    expect(clock.now()).toBe(10_000); // 20,000 posts at 2,000/s: exactly 10 s
    expect(posts).toHaveLength(20_000);
    expect(source.stats.emitted).toBe(20_000);
    expect(Math.max(...sizes)).toBe(30);
    expect(new Set(posts.map((p) => p.id)).size).toBe(20_000);
  });

  it("emits a tick's share per batch at high rates", async () => {
    const clock = virtualClock();
    const source = createSyntheticSource({ rate: 50_000, tickMs: 20, batchSize: 5_000 }, { clock });
    const controller = new AbortController();
    const { sizes, emit } = collector(controller, () => clock.now() >= 1_000);
    await source.run(emit, controller.signal);
    expect(sizes.every((size) => size === 1_000)).toBe(true); // 50,000/s × 20 ms
    expect(sizes).toHaveLength(50);
  });

  it("stops after `limit` posts and replays the same posts for the same seed", async () => {
    const run = async () => {
      const source = createSyntheticSource({ rate: 0, limit: 1_234, batchSize: 100, seed: 77 });
      const { posts, emit } = collector(new AbortController(), () => false);
      await source.run(emit, new AbortController().signal);
      return posts;
    };
    const first = await run();
    expect(first).toHaveLength(1_234);
    expect(first[0]?.id).toBe("syn-77-1");
    const second = await run();
    expect(second.map((p) => p.text)).toEqual(first.map((p) => p.text));
  });

  it("slows down when emit is slow instead of queueing", async () => {
    const clock = virtualClock();
    const source = createSyntheticSource({ rate: 1_000, batchSize: 100 }, { clock });
    const controller = new AbortController();
    let calls = 0;
    const emit = async (batch: readonly RawPost[]) => {
      expect(batch.length).toBeLessThanOrEqual(100);
      clock.advance(1_000); // each batch takes the consumer a full second
      if (++calls === 20) controller.abort();
    };
    await source.run(emit, controller.signal);
    // 20 s of virtual time at 1,000/s would be 20,000 posts; the consumer took 100 a
    // second (after a first batch of one 20 ms tick's worth).
    expect(source.stats.emitted).toBe(20 + 19 * 100);
  });

  it("stops within a tick of an abort and emits nothing afterwards", async () => {
    const source = createSyntheticSource({ rate: 5 }); // a post every 200 ms, real clock
    const controller = new AbortController();
    let afterAbort = 0;
    const emit = async () => {
      if (controller.signal.aborted) afterAbort += 1;
    };
    setTimeout(() => {
      controller.abort();
    }, 50);
    const started = performance.now();
    await source.run(emit, controller.signal);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(afterAbort).toBe(0);
  });

  it("rejects invalid options", () => {
    expect(() => createSyntheticSource({ rate: 60_000 })).toThrow(/rate/);
    expect(() => createSyntheticSource({ rate: 0.5 })).toThrow(/rate/);
    expect(() => createSyntheticSource({ trafficShare: 2 })).toThrow();
    expect(() => createSyntheticSource({ batchSize: 0 })).toThrow();
  });
});
