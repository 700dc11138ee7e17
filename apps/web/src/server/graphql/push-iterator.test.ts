import { Registry } from "@tweetream/shared";
import { describe, expect, it } from "vitest";
import { createWebMetrics } from "../metrics.ts";
import { PushIterator } from "./push-iterator.ts";

describe("PushIterator", () => {
  it("hands pushed values to waiting and later readers, in order", async () => {
    const stream = new PushIterator<number>();
    const pending = stream.next();
    stream.push(1);
    stream.push(2);
    expect(await pending).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
  });

  it("drains what was pushed before end(), then finishes and cleans up once", async () => {
    const stream = new PushIterator<string>();
    let cleanups = 0;
    stream.onClose(() => (cleanups += 1));
    stream.push("a");
    stream.end();
    stream.push("ignored");
    const seen: string[] = [];
    for await (const value of stream) seen.push(value);
    expect(seen).toEqual(["a"]);
    expect(cleanups).toBe(1);
    await stream.return();
    expect(cleanups).toBe(1);
  });

  it("ends a pending read and runs the cleanup when the consumer returns", async () => {
    const stream = new PushIterator<number>();
    let cleaned = false;
    stream.onClose(() => (cleaned = true));
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(cleaned).toBe(true);
    expect(stream.closed).toBe(true);
    let late = false;
    stream.onClose(() => (late = true));
    expect(late).toBe(true);
  });

  it("keeps only the newest values for a slow reader", async () => {
    const stream = new PushIterator<number>({ maxBuffered: 2 });
    for (const n of [1, 2, 3, 4]) stream.push(n);
    expect(stream.dropped).toBe(2);
    expect(await stream.next()).toEqual({ value: 3, done: false });
    expect(await stream.next()).toEqual({ value: 4, done: false });
  });

  it("counts every dropped value in tweetream_web_subscriber_dropped_total", async () => {
    const registry = new Registry();
    const metrics = createWebMetrics(
      registry,
      () => 0,
      () => undefined,
    );
    const stream = new PushIterator<number>({
      maxBuffered: 3,
      onDrop: () => {
        metrics.subscriberDropped("topicsChanged");
      },
    });
    const dropped = async () => {
      const metric = await registry
        .getSingleMetric("tweetream_web_subscriber_dropped_total")
        ?.get();
      return metric?.values.find((v) => v.labels.subscription === "topicsChanged")?.value ?? 0;
    };
    for (const n of [1, 2, 3]) stream.push(n);
    expect(await dropped()).toBe(0);
    for (const n of [4, 5, 6, 7, 8]) stream.push(n);
    expect(stream.dropped).toBe(5);
    expect(await dropped()).toBe(5);
    expect(await registry.metrics()).toContain(
      'tweetream_web_subscriber_dropped_total{subscription="topicsChanged"} 5',
    );
    // A reader keeping up again stops the count.
    expect(await stream.next()).toEqual({ value: 6, done: false });
    stream.push(9);
    expect(await dropped()).toBe(5);
  });
});
