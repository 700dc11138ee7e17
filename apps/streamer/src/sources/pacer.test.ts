import { describe, expect, it } from "vitest";
import { Pacer, systemClock, virtualClock, type Clock } from "./pacer.ts";

/** Takes from `pacer` until the clock reaches `untilMs`; returns the total taken. */
async function takeUntil(pacer: Pacer, clock: Clock, untilMs: number, max = 10_000) {
  const signal = new AbortController().signal;
  let total = 0;
  while (clock.now() < untilMs) total += await pacer.take(max, signal);
  return total;
}

describe("Pacer", () => {
  it("allows exactly rate × elapsed posts", async () => {
    const clock = virtualClock();
    expect(await takeUntil(new Pacer({ rate: 2_000, clock }), clock, 10_000)).toBe(20_000);
  });

  it("keeps fractional allowance, so low and odd rates stay exact", async () => {
    const clock = virtualClock();
    const total = await takeUntil(new Pacer({ rate: 3, tickMs: 20, clock }), clock, 60_000);
    expect(total).toBeGreaterThanOrEqual(179);
    expect(total).toBeLessThanOrEqual(180);
  });

  it("does not drift when timers fire late", async () => {
    const inner = virtualClock();
    let lateness = 0;
    const lateClock: Clock = {
      now: () => inner.now(),
      sleep: async (ms, signal) => {
        lateness = (lateness + 7) % 23; // 0..22 ms late, varying
        await inner.sleep(ms + lateness, signal);
      },
    };
    const total = await takeUntil(new Pacer({ rate: 1_000, clock: lateClock }), lateClock, 30_000);
    // Whatever the lateness, the long-run count is rate × elapsed (within one late tick).
    expect(total).toBeGreaterThanOrEqual(30_000 - 25);
    expect(total).toBeLessThanOrEqual(Math.floor(inner.now()));
  });

  it("hands out at most `max` per call and the rest later", async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ rate: 10_000, clock });
    const signal = new AbortController().signal;
    expect(await pacer.take(10, signal)).toBe(10); // waited 1 ms for 10, none left
    clock.advance(100); // 1,000 allowed
    expect(await pacer.take(300, signal)).toBe(300);
    expect(await pacer.take(300, signal)).toBe(300);
    expect(await pacer.take(10_000, signal)).toBe(400);
  });

  it("caps the backlog after a long stall instead of bursting all of it", async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ rate: 1_000, clock });
    const signal = new AbortController().signal;
    await pacer.take(1, signal);
    clock.advance(60_000); // a minute-long stall would owe 60,000 posts
    const burst = await pacer.take(100_000, signal);
    expect(burst).toBeLessThanOrEqual(251); // 250 ms worth + 1
    expect(burst).toBeGreaterThan(200);
  });

  it("batches a tick's worth instead of trickling single posts", async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ rate: 2_000, tickMs: 20, clock });
    const signal = new AbortController().signal;
    const sizes: number[] = [];
    while (clock.now() < 1_000) {
      sizes.push(await pacer.take(1_000, signal));
      clock.advance(0.7); // emit takes a little time; a fraction of a post accrues
    }
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(40);
  });

  it("works with a tick longer than the catch-up window", async () => {
    const clock = virtualClock();
    expect(await takeUntil(new Pacer({ rate: 100, tickMs: 1_000, clock }), clock, 5_000)).toBe(500);
  });

  it("is unpaced at rate 0", async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ rate: 0, clock });
    expect(await pacer.take(777, new AbortController().signal)).toBe(777);
  });

  it("returns 0 once aborted, and stops a real sleep promptly", async () => {
    const pacer = new Pacer({ rate: 1, clock: systemClock }); // next post is a second away
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => {
      controller.abort();
    }, 20);
    expect(await pacer.take(10, controller.signal)).toBe(0);
    expect(performance.now() - started).toBeLessThan(900);
    expect(await pacer.take(10, controller.signal)).toBe(0);
  });

  it("rejects a negative rate", () => {
    expect(() => new Pacer({ rate: -1 })).toThrow(RangeError);
  });
});
