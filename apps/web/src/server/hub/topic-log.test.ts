import type { PostLabel, PostSource } from "@tweetream/shared";
import { describe, expect, it } from "vitest";
import type { Position } from "./cursor.ts";
import { TopicLog } from "./topic-log.ts";

interface Item {
  id: number;
  partition: number;
  offset: bigint;
  post: { label: PostLabel; source: PostSource };
}

/** Item `id` sits on partition id % 2 at offset floor(id / 2). */
const itemOf = (id: number): Item => ({
  id,
  partition: id % 2,
  offset: BigInt(Math.floor(id / 2)),
  post: { label: id % 3 === 0 ? "traffic" : "non_traffic", source: id % 2 === 0 ? "bluesky" : "x" },
});
/** This log's position right after item `id` (items 1..id read in order), taken at it. */
const after = (id: number): Position => {
  const through = new Map<number, bigint>();
  for (let i = Math.max(1, id - 1); i <= id; i++) through.set(i % 2, BigInt(Math.floor(i / 2)));
  return { through, own: id % 2 };
};
const ids = (items: readonly Item[]) => items.map((i) => i.id);

function filled(capacity: number, count: number): TopicLog<Item> {
  const log = new TopicLog<Item>(capacity);
  for (let id = 1; id <= count; id++) log.append(itemOf(id));
  return log;
}

describe("TopicLog", () => {
  it("keeps the newest `capacity` items with sequence numbers, and pages them newest first", () => {
    const log = filled(5, 12);
    expect([log.start, log.end, log.size]).toEqual([7, 12, 5]);
    expect(log.at(6)).toBeUndefined();
    expect(log.at(7)?.id).toBe(8);
    expect(log.at(12)).toBeUndefined();
    expect(log.page({ first: 10 })).toEqual({
      items: [12, 11, 10, 9, 8].map(itemOf),
      hasNextPage: false,
    });
    const first = log.page({ first: 2 });
    expect(ids(first.items)).toEqual([12, 11]);
    expect(first.hasNextPage).toBe(true);
    const second = log.page({ first: 2, before: after(11) });
    expect(ids(second.items)).toEqual([10, 9]);
    expect(second.hasNextPage).toBe(true);
    const last = log.page({ first: 2, before: after(9) });
    expect(ids(last.items)).toEqual([8]);
    expect(last.hasNextPage).toBe(false);
    expect(log.page({ first: 0 })).toEqual({ items: [], hasNextPage: true });
  });

  it("filters by label while paging", () => {
    const log = filled(100, 20);
    const filter = { labels: new Set<PostLabel>(["traffic"]) };
    const first = log.page({ first: 3, filter });
    expect(ids(first.items)).toEqual([18, 15, 12]);
    expect(first.hasNextPage).toBe(true);
    const next = log.page({ first: 3, filter, before: after(12) });
    expect(ids(next.items)).toEqual([9, 6, 3]);
    expect(next.hasNextPage).toBe(false);
  });

  it("filters by source, and by label and source together", () => {
    const log = filled(100, 20);
    const bluesky = new Set<PostSource>(["bluesky"]);
    expect(ids(log.page({ first: 4, filter: { sources: bluesky } }).items)).toEqual([
      20, 18, 16, 14,
    ]);
    const both = { sources: bluesky, labels: new Set<PostLabel>(["traffic"]) };
    expect(ids(log.page({ first: 10, filter: both }).items)).toEqual([18, 12, 6]);
  });

  it("finds where a reader resumes: the first item a position does not cover", () => {
    const log = filled(10, 30);
    expect(log.at(log.firstAfter(after(26)))?.id).toBe(27);
    expect(log.firstAfter(after(30))).toBe(log.end);
    // Older than everything kept: from the oldest kept.
    expect(log.firstAfter(after(3))).toBe(log.start);
    // A position of another process, ahead on partition 1 only: items of
    // partition 0 after it come first; those of partition 1 it covers are skipped by readers.
    const elsewhere: Position = {
      through: new Map([
        [0, 12n],
        [1, 14n],
      ]),
    };
    expect(log.at(log.firstAfter(elsewhere))?.id).toBe(26);
  });

  it("wraps around its ring many times without losing order", () => {
    const log = filled(7, 1000);
    expect(ids(log.page({ first: 7 }).items)).toEqual([1000, 999, 998, 997, 996, 995, 994]);
    expect(log.start).toBe(993);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new TopicLog<Item>(0)).toThrow(RangeError);
  });
});
