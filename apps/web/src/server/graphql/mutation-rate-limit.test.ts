import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { MutationRateLimit } from "./rate-limits.ts";

describe("MutationRateLimit", () => {
  it("allows `perMinute` per key, then throws RATE_LIMITED with a retry time", async () => {
    const limit = new MutationRateLimit(2);
    await limit.consume("a");
    await limit.consume("a");
    const error: unknown = await limit.consume("a").catch((caught: unknown) => caught);
    if (!(error instanceof GraphQLError))
      throw new Error(`expected a GraphQLError: ${String(error)}`);
    const { extensions } = error;
    expect(extensions.code).toBe("RATE_LIMITED");
    expect(extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(extensions.http).toMatchObject({ status: 429 });
    // Another key has its own budget.
    await expect(limit.consume("b")).resolves.toBeUndefined();
  });
});
