import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { RulePreviews } from "./rule-preview.ts";

describe("RulePreviews", () => {
  const previewer = { start: () => Promise.reject(new Error("not used")) };

  it("runs at most maxConcurrent previews at once, refusing the next with RATE_LIMITED", () => {
    const previews = new RulePreviews(previewer, 2);
    const first = previews.acquire();
    previews.acquire();
    const refused: unknown = (() => {
      try {
        previews.acquire();
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions).toMatchObject({
      code: "RATE_LIMITED",
      retryAfterSeconds: 1,
    });
    // A slot given back (twice counts once) is free for the next.
    first();
    first();
    expect(() => previews.acquire()).not.toThrow();
    expect(() => previews.acquire()).toThrow(/too many rule previews/);
  });
});
