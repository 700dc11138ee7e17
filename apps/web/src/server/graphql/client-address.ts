import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/** Where the client address comes from (GRAPHQL_CLIENT_IP_HEADER, GRAPHQL_TRUSTED_PROXIES). */
export interface ClientAddressSource {
  /** A header a reverse proxy puts the client address in (`x-real-ip`, `x-forwarded-for`); undefined: the TCP peer. */
  header?: string | undefined;
  /** Which peers may set that header (proxy-addr's trust function). */
  trust: (address: string, hop: number) => boolean;
}

/**
 * Compiles GRAPHQL_TRUSTED_PROXIES (addresses, CIDR ranges, or proxy-addr's
 * names `loopback`, `linklocal`, `uniquelocal`); throws TypeError on a bad entry.
 */
export function trustedProxies(list: readonly string[]): ClientAddressSource["trust"] {
  return proxyaddr.compile([...list]);
}

/**
 * The client's address for per-address limits. Without a header, the TCP
 * peer. With one, proxy-addr walks its addresses from the nearest hop back,
 * the TCP peer first, and stops at the first one that is not a trusted proxy:
 * a client that talks to the server directly, or forges entries in front of
 * what its proxy appends, cannot choose its address.
 */
export function clientAddress(
  request: Pick<IncomingMessage, "headers"> & { socket: { remoteAddress?: string | undefined } },
  source: ClientAddressSource,
): string {
  const peer = request.socket.remoteAddress ?? "unknown";
  if (source.header === undefined) return peer;
  const raw = request.headers[source.header];
  const value = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  // proxy-addr reads X-Forwarded-For; any configured header has the same list form.
  const view = { socket: { remoteAddress: peer }, headers: { "x-forwarded-for": value } };
  return proxyaddr(view as unknown as IncomingMessage, source.trust);
}
