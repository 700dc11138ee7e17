import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { describe, expect, it } from "vitest";
import { formErrors, tooSlowCursor } from "./graphql-errors.ts";

describe("formErrors", () => {
  it("files errors under their field and flags refused tokens", () => {
    const error = new CombinedGraphQLErrors({
      data: null,
      errors: [
        { message: "bad rule", extensions: { code: "BAD_USER_INPUT", field: "rule", position: 4 } },
        { message: "taken", extensions: { code: "CONFLICT", field: "slug" } },
        { message: "no", extensions: { code: "UNAUTHENTICATED" } },
      ],
    });
    const result = formErrors(error);
    expect(result.fields.rule).toEqual({
      message: "bad rule",
      code: "BAD_USER_INPUT",
      position: 4,
    });
    expect(result.fields.slug?.code).toBe("CONFLICT");
    expect(result.general.map((e) => e.message)).toEqual(["no"]);
    expect(result.unauthorized).toBe(true);
  });

  it("ignores malformed extensions instead of trusting them", () => {
    const error = new CombinedGraphQLErrors({
      data: null,
      errors: [{ message: "odd", extensions: { field: 7 } }],
    });
    expect(formErrors(error).general).toEqual([
      { message: "odd", code: undefined, position: undefined },
    ]);
  });
});

describe("tooSlowCursor", () => {
  it("finds the cursor of SUBSCRIBER_TOO_SLOW, and nothing in other errors", () => {
    const tooSlow = new CombinedGraphQLErrors({
      data: null,
      errors: [
        { message: "behind", extensions: { code: "SUBSCRIBER_TOO_SLOW", cursor: "AgEBAAU" } },
      ],
    });
    expect(tooSlowCursor(tooSlow)).toBe("AgEBAAU");
    const other = new CombinedGraphQLErrors({
      data: null,
      errors: [{ message: "gone", extensions: { code: "NOT_FOUND", cursor: "AgEBAAU" } }],
    });
    expect(tooSlowCursor(other)).toBeUndefined();
    expect(tooSlowCursor(new Error("socket closed"))).toBeUndefined();
  });
});
