import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { describe, expect, it } from "vitest";
import { formErrors } from "./graphql-errors.ts";

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
