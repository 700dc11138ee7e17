import { describe, expect, it } from "vitest";
import { TopicAdminError } from "../topics/index.ts";
import { formatGatewayError, fromTopicAdminError } from "./errors.ts";

describe("gateway errors", () => {
  it("maps TopicAdminError codes with field and position", () => {
    const mapped = fromTopicAdminError(
      new TopicAdminError("BAD_USER_INPUT", "bad rule", { field: "rule", position: 3 }),
    );
    expect(mapped).toMatchObject({
      message: "bad rule",
      extensions: { code: "BAD_USER_INPUT", field: "rule", position: 3 },
    });
    const plain = new Error("x");
    expect(fromTopicAdminError(plain)).toBe(plain);
  });

  it("hides internal errors and, in production, field suggestions", () => {
    const internal = formatGatewayError(
      { message: "connect ECONNREFUSED 10.0.0.5:5432", path: ["topics"] },
      { production: true },
    );
    expect(internal).toEqual({
      message: "Internal server error",
      path: ["topics"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    const suggestion = {
      message: 'Cannot query field "topicz" on type "Query". Did you mean "topics"?',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    };
    expect(formatGatewayError(suggestion, { production: true }).message).toBe(
      'Cannot query field "topicz" on type "Query".',
    );
    expect(formatGatewayError(suggestion, { production: false })).toBe(suggestion);
  });
});
