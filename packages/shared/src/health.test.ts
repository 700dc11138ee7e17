import { describe, expect, it } from "vitest";
import { publicReadiness, runReadinessChecks } from "./health.ts";

describe("readiness", () => {
  it("names failing checks without their error text", async () => {
    const result = await runReadinessChecks({
      kafka: () => Promise.reject(new Error("connect ECONNREFUSED 10.1.2.3:9092")),
      database: () => Promise.resolve(),
    });
    // The full reasons, for the log.
    expect(result).toEqual({
      ok: false,
      checks: { kafka: "connect ECONNREFUSED 10.1.2.3:9092", database: "ok" },
    });
    // What the public port may answer.
    expect(publicReadiness(result)).toEqual({
      ok: false,
      checks: { kafka: "failing", database: "ok" },
    });
    expect(JSON.stringify(publicReadiness(result))).not.toContain("10.1.2.3");
  });

  it("times a check out", async () => {
    const result = await runReadinessChecks({ slow: () => new Promise(() => undefined) }, 20);
    expect(result).toEqual({ ok: false, checks: { slow: "no answer within 20 ms" } });
  });
});
