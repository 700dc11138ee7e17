import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import { describe, expect, it } from "vitest";
import {
  errorText,
  exportRefusalText,
  formErrors,
  historyExpiredSince,
  tooSlowCursor,
} from "./graphql-errors.ts";

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

describe("history errors", () => {
  it("finds the oldest moment kept in HISTORY_EXPIRED, and nothing elsewhere", () => {
    const expired = new CombinedGraphQLErrors({
      data: null,
      errors: [
        {
          message: "posts before 2026-12-04T06:00:00.000Z are no longer kept",
          extensions: { code: "HISTORY_EXPIRED", oldestAvailable: "2026-12-04T06:00:00.000Z" },
        },
      ],
    });
    expect(historyExpiredSince(expired)).toBe("2026-12-04T06:00:00.000Z");
    expect(errorText(expired)).toBe("posts before 2026-12-04T06:00:00.000Z are no longer kept");
    expect(historyExpiredSince(new Error("HISTORY_EXPIRED"))).toBeUndefined();
  });

  it("says what the server said in a 429, which Apollo leaves unparsed", () => {
    const body = JSON.stringify({
      errors: [{ message: "too many queries and subscriptions from this address; retry in 12 s" }],
    });
    const error = new ServerError("Response not successful: Received status code 429", {
      response: new Response(body, { status: 429 }),
      bodyText: body,
    });
    expect(errorText(error)).toBe(
      "The server is refusing requests from this address for a while (429): too many queries and subscriptions from this address; retry in 12 s",
    );
  });

  it("says why GET /export refused, and when to try again after a 429", () => {
    const tooMany = JSON.stringify({
      error: {
        code: "TOO_MANY_EXPORTS",
        message: "too many exports are running (at most 4 at once)",
      },
    });
    expect(exportRefusalText(429, "Too Many Requests", tooMany, "5")).toBe(
      "Export refused (429): too many exports are running (at most 4 at once). Try again in 5 s.",
    );
    const notFound = '{"error":{"code":"NOT_FOUND","message":"there is no topic with the slug x"}}';
    expect(exportRefusalText(404, "Not Found", notFound, null)).toBe(
      "Export refused (404): there is no topic with the slug x.",
    );
    expect(exportRefusalText(502, "Bad Gateway", "<html>", null)).toBe(
      "Export refused (502): Bad Gateway.",
    );
  });
});
