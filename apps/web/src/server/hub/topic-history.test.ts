import type { PostLabel } from "@tweetream/shared";
import { describe, expect, it } from "vitest";
import { encodeCursor, type CursorKey } from "./cursor.ts";
import { TopicHistory } from "./topic-history.ts";

interface Item {
  id: number;
  post: { label: PostLabel };
}

const keyOf = (id: number, partition = 0): CursorKey => ({
  timestamp: 1000 + id,
  partition,
  offset: BigInt(id),
});
const itemOf = (id: number): Item => ({
  id,
  post: { label: id % 3 === 0 ? "traffic" : "non_traffic" },
});
const ids = (items: readonly Item[]) => items.map((i) => i.id);

function filled(capacity: number, count: number): TopicHistory<Item> {
  const history = new TopicHistory<Item>(capacity);
  for (let id = 1; id <= count; id++) history.add(keyOf(id), itemOf(id));
  return history;
}

describe("TopicHistory", () => {
  it("keeps the newest `capacity` items and pages them newest first", () => {
    const history = filled(5, 12);
    expect(history.size).toBe(5);
    expect(history.page({ first: 10 })).toEqual({
      items: [12, 11, 10, 9, 8].map(itemOf),
      hasNextPage: false,
    });
    const first = history.page({ first: 2 });
    expect(ids(first.items)).toEqual([12, 11]);
    expect(first.hasNextPage).toBe(true);
    const second = history.page({ first: 2, after: keyOf(11) });
    expect(ids(second.items)).toEqual([10, 9]);
    expect(second.hasNextPage).toBe(true);
    const last = history.page({ first: 2, after: keyOf(9) });
    expect(ids(last.items)).toEqual([8]);
    expect(last.hasNextPage).toBe(false);
    expect(history.page({ first: 0 })).toEqual({ items: [], hasNextPage: true });
  });

  it("filters by label while paging", () => {
    const history = filled(100, 20);
    const traffic = new Set<PostLabel>(["traffic"]);
    const first = history.page({ first: 3, labels: traffic });
    expect(ids(first.items)).toEqual([18, 15, 12]);
    expect(first.hasNextPage).toBe(true);
    const next = history.page({ first: 3, labels: traffic, after: keyOf(12) });
    expect(ids(next.items)).toEqual([9, 6, 3]);
    expect(next.hasNextPage).toBe(false);
  });

  it("inserts out-of-order items in place, ignores duplicates and items older than a full ring", () => {
    const history = new TopicHistory<Item>(4);
    for (const id of [1, 3, 5, 2, 4]) history.add(keyOf(id), itemOf(id));
    expect(ids(history.page({ first: 10 }).items)).toEqual([5, 4, 3, 2]);
    expect(history.add(keyOf(4), itemOf(4))).toBe(false);
    expect(history.add(keyOf(1), itemOf(1))).toBe(false);
    // Same timestamp, another partition: ordered after partition 0.
    expect(history.add({ ...keyOf(4), partition: 1 }, itemOf(40))).toBe(true);
    expect(ids(history.page({ first: 10 }).items)).toEqual([5, 40, 4, 3]);
  });

  it("returns what came after a cursor, oldest first, even a cursor it no longer holds", () => {
    const history = filled(10, 30);
    expect(ids(history.since(keyOf(26)))).toEqual([27, 28, 29, 30]);
    expect(ids(history.since(keyOf(30)))).toEqual([]);
    expect(ids(history.since(keyOf(3)))).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    // A position between two kept items (e.g. from a filtered page).
    expect(ids(history.since({ ...keyOf(28), offset: 999n }))).toEqual([29, 30]);
    expect(ids(history.since(keyOf(20), new Set(["traffic"])))).toEqual([21, 24, 27, 30]);
  });

  it("wraps around its ring many times without losing order", () => {
    const history = filled(7, 1000);
    expect(ids(history.page({ first: 7 }).items)).toEqual([1000, 999, 998, 997, 996, 995, 994]);
    expect(encodeCursor(keyOf(1000))).toBeTruthy();
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new TopicHistory<Item>(0)).toThrow(RangeError);
  });
});
