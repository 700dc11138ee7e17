// Admin authentication: one shared bearer token (ADMIN_TOKEN). Queries and
// subscriptions are public; mutations need the token. Credentials that are
// present but wrong are refused outright, on HTTP and WebSocket alike.
import { createHash, timingSafeEqual } from "node:crypto";
import { gatewayError } from "./errors.ts";

/** What a request's credentials say about the caller. */
export type Credentials =
  { kind: "anonymous" } | { kind: "admin" } | { kind: "malformed" } | { kind: "wrong" };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Checks tokens against the admin token in constant time. */
export class AdminAuth {
  readonly #digest: Buffer;

  constructor(adminToken: string) {
    this.#digest = digest(adminToken);
  }

  /** True when `token` is the admin token; takes the same time whatever `token` is. */
  isAdminToken(token: string): boolean {
    // Comparing fixed-length digests hides the token's length as well.
    return timingSafeEqual(digest(token), this.#digest);
  }

  /** Reads an `Authorization` header value (`Bearer <token>`); undefined means none. */
  fromAuthorization(header: string | undefined): Credentials {
    if (header === undefined || header.trim() === "") return { kind: "anonymous" };
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) return { kind: "malformed" };
    return this.isAdminToken(token) ? { kind: "admin" } : { kind: "wrong" };
  }

  /** Reads a graphql-ws `connection_init` payload: `{ authorization: "Bearer …" }` or `{ token }`. */
  fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): Credentials {
    const authorization = params?.authorization ?? params?.Authorization;
    const token = params?.token;
    if (authorization !== undefined) {
      return typeof authorization === "string"
        ? this.fromAuthorization(authorization)
        : { kind: "malformed" };
    }
    if (token === undefined || token === null) return { kind: "anonymous" };
    if (typeof token !== "string" || token === "") return { kind: "malformed" };
    return this.isAdminToken(token) ? { kind: "admin" } : { kind: "wrong" };
  }
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** For HTTP: admin or anonymous, or throws UNAUTHENTICATED/FORBIDDEN for bad credentials. */
export function requireValidCredentials(credentials: Credentials): { admin: boolean } {
  switch (credentials.kind) {
    case "anonymous":
      return { admin: false };
    case "admin":
      return { admin: true };
    case "malformed":
      throw gatewayError(
        "UNAUTHENTICATED",
        "the Authorization header must be `Bearer <admin token>`",
      );
    case "wrong":
      throw gatewayError("FORBIDDEN", "the bearer token is not valid");
  }
}

/** Throws UNAUTHENTICATED unless the caller is an admin (mutations). */
export function requireAdmin(context: { admin: boolean }): void {
  if (!context.admin) {
    throw gatewayError(
      "UNAUTHENTICATED",
      "this operation needs the admin token: send `Authorization: Bearer <token>`",
    );
  }
}
