import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { OperationRateLimit } from "./rate-limits.ts";

describe("OperationRateLimit", () => {
  it("allows `perMinute` per key, then throws RATE_LIMITED with a retry time", async () => {
    const limit = new OperationRateLimit(2, "queries and subscriptions");
    await limit.consume("a");
    await limit.consume("a");
    const error: unknown = await limit.consume("a").catch((caught: unknown) => caught);
    if (!(error instanceof GraphQLError))
      throw new Error(`expected a GraphQLError: ${String(error)}`);
    const { extensions } = error;
    expect(extensions.code).toBe("RATE_LIMITED");
    expect(error.message).toMatch(
      /^too many queries and subscriptions from this address \(at most 2 a minute\); retry in \d+ s$/,
    );
    expect(extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(extensions.http).toMatchObject({ status: 429 });
    // Another key has its own budget.
    await expect(limit.consume("b")).resolves.toBeUndefined();
  });
});
