import { describe, expect, it } from "vitest";
import { runReadinessChecks } from "./health.ts";

describe("readiness", () => {
  it("names each failing check with its reason", async () => {
    const result = await runReadinessChecks({
      kafka: () => Promise.reject(new Error("connect ECONNREFUSED 10.1.2.3:9092")),
      database: () => Promise.resolve(),
    });
    expect(result).toEqual({
      ok: false,
      checks: { kafka: "connect ECONNREFUSED 10.1.2.3:9092", database: "ok" },
    });
  });

  it("times a check out", async () => {
    const result = await runReadinessChecks({ slow: () => new Promise(() => undefined) }, 20);
    expect(result).toEqual({ ok: false, checks: { slow: "no answer within 20 ms" } });
  });
});
