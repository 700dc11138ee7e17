import { afterEach, describe, expect, it, vi } from "vitest";
import { emptyBuckets } from "../hub/minute-stats.ts";
import { SharedTopicStats } from "./topic-stats.ts";

/** A hub that only counts: how many times stats were built, for which topic and window. */
function countingHub() {
  const calls: string[] = [];
  return {
    calls,
    hub: {
      stats: (slug: string, window: number, now?: number) => {
        calls.push(`${slug} ${window}`);
        return emptyBuckets(window, now ?? Date.now());
      },
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("SharedTopicStats", () => {
  it("builds each (topic, window) once per tick, whatever its subscribers", () => {
    vi.useFakeTimers();
    const { hub, calls } = countingHub();
    const stats = new SharedTopicStats(hub, 1000);
    const heard = { a: 0, b: 0, other: 0 };
    const offs = [
      ...Array.from({ length: 500 }, () => stats.subscribe("jalan", 60, () => heard.a++)),
      stats.subscribe("jalan", 60, () => heard.b++),
      stats.subscribe("banjir", 30, () => heard.other++),
    ];
    // The first figure at once, built once per feed.
    expect(calls.sort()).toEqual(["banjir 30", "jalan 60"]);
    expect(heard).toEqual({ a: 500, b: 1, other: 1 });
    vi.advanceTimersByTime(3000);
    expect(calls).toHaveLength(2 + 3 * 2);
    expect(heard).toEqual({ a: 2000, b: 4, other: 4 });
    expect(stats.feeds).toBe(2);

    // The last subscriber of a feed stops its timer.
    for (const off of offs) off();
    expect(stats.feeds).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(calls).toHaveLength(8);
  });
});
