import { describe, expect, it } from "vitest";
import { AdminAuth, requireAdmin, requireValidCredentials } from "./admin-auth.ts";

const auth = new AdminAuth("the-admin-token-0123456789");

const codeOf = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
  return undefined;
};

describe("AdminAuth", () => {
  it("reads Authorization headers", () => {
    expect(auth.fromAuthorization(undefined)).toEqual({ kind: "anonymous" });
    expect(auth.fromAuthorization("Bearer the-admin-token-0123456789")).toEqual({ kind: "admin" });
    expect(auth.fromAuthorization("bearer  the-admin-token-0123456789 ")).toEqual({
      kind: "admin",
    });
    expect(auth.fromAuthorization("Bearer the-admin-token-012345678")).toEqual({ kind: "wrong" });
    expect(auth.fromAuthorization("Basic dXNlcjpwYXNz")).toEqual({ kind: "malformed" });
  });

  it("reads graphql-ws connection_init payloads", () => {
    expect(auth.fromConnectionParams(undefined)).toEqual({ kind: "anonymous" });
    expect(auth.fromConnectionParams({})).toEqual({ kind: "anonymous" });
    expect(auth.fromConnectionParams({ token: "the-admin-token-0123456789" })).toEqual({
      kind: "admin",
    });
    expect(
      auth.fromConnectionParams({ authorization: "Bearer the-admin-token-0123456789" }),
    ).toEqual({ kind: "admin" });
    expect(auth.fromConnectionParams({ token: "nope" })).toEqual({ kind: "wrong" });
    expect(auth.fromConnectionParams({ token: 42 })).toEqual({ kind: "malformed" });
  });

  it("maps bad credentials to UNAUTHENTICATED and FORBIDDEN", () => {
    expect(codeOf(() => requireValidCredentials({ kind: "malformed" }))).toBe("UNAUTHENTICATED");
    expect(codeOf(() => requireValidCredentials({ kind: "wrong" }))).toBe("FORBIDDEN");
    expect(requireValidCredentials({ kind: "admin" })).toEqual({ admin: true });
    expect(
      codeOf(() => {
        requireAdmin({ admin: false });
      }),
    ).toBe("UNAUTHENTICATED");
    expect(
      codeOf(() => {
        requireAdmin({ admin: true });
      }),
    ).toBeUndefined();
  });
});
