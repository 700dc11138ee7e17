import { describe, expect, it } from "vitest";
import { clampWindow, emptyBuckets, MinuteStats } from "./minute-stats.ts";

const MINUTE = 60_000;
const t0 = 1_795_000_020_000 - (1_795_000_020_000 % MINUTE); // a minute boundary

describe("MinuteStats", () => {
  it("counts per minute per label and returns every minute of the window, oldest first", () => {
    const stats = new MinuteStats(60);
    stats.add(t0 + 1000, "traffic");
    stats.add(t0 + 59_999, "traffic");
    stats.add(t0 + 2000, "non_traffic");
    stats.add(t0 + 2 * MINUTE, "non_traffic");
    stats.add(t0 + 2 * MINUTE + 1, "not_classified");
    const { buckets, totals } = stats.buckets(4, t0 + 2 * MINUTE + 30_000);
    expect(buckets).toEqual([
      { minute: t0 - MINUTE, traffic: 0, nonTraffic: 0, notClassified: 0 },
      { minute: t0, traffic: 2, nonTraffic: 1, notClassified: 0 },
      { minute: t0 + MINUTE, traffic: 0, nonTraffic: 0, notClassified: 0 },
      { minute: t0 + 2 * MINUTE, traffic: 0, nonTraffic: 1, notClassified: 1 },
    ]);
    expect(totals).toEqual({ traffic: 2, nonTraffic: 2, notClassified: 1 });
  });

  it("forgets minutes that fell out of its ring, and ignores posts older than the ring holds", () => {
    const stats = new MinuteStats(3);
    stats.add(t0, "traffic");
    stats.add(t0 + 3 * MINUTE, "traffic"); // reuses the slot of t0
    stats.add(t0 + 1000, "traffic"); // too old for that slot now
    const { buckets, totals } = stats.buckets(3, t0 + 3 * MINUTE);
    expect(buckets.map((b) => b.traffic)).toEqual([0, 0, 1]);
    expect(totals.traffic).toBe(1);
    // Asking far in the future: everything has expired.
    expect(stats.buckets(3, t0 + 100 * MINUTE).totals).toEqual({
      traffic: 0,
      nonTraffic: 0,
      notClassified: 0,
    });
  });

  it("clamps the window to what it keeps", () => {
    const stats = new MinuteStats(10);
    expect(stats.buckets(1000, t0).buckets).toHaveLength(10);
    expect(stats.buckets(0, t0).buckets).toHaveLength(1);
    expect(clampWindow(Number.NaN, 10)).toBe(10);
    expect(clampWindow(2.7, 10)).toBe(2);
    expect(emptyBuckets(5, t0).buckets.at(-1)).toEqual({
      minute: t0,
      traffic: 0,
      nonTraffic: 0,
      notClassified: 0,
    });
  });

  it("keeps 1440 minutes in fixed memory", () => {
    const stats = new MinuteStats(1440);
    for (let minute = 0; minute < 3000; minute++) stats.add(t0 + minute * MINUTE, "traffic");
    const { buckets, totals } = stats.buckets(1440, t0 + 2999 * MINUTE);
    expect(buckets).toHaveLength(1440);
    expect(totals.traffic).toBe(1440);
    expect(buckets[0]?.minute).toBe(t0 + 1560 * MINUTE);
  });
});
