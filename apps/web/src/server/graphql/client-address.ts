import type { IncomingMessage } from "node:http";

/**
 * The client's address for per-address limits: the first entry of `header`
 * when a trusted reverse proxy sets it (e.g. `x-real-ip`), else the TCP peer.
 * Only name a header that the proxy always overwrites, or clients can forge it.
 */
export function clientAddress(
  request: Pick<IncomingMessage, "headers"> & { socket: { remoteAddress?: string | undefined } },
  header: string | undefined,
): string {
  const forwarded = header === undefined ? undefined : request.headers[header];
  const value = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  // A list (X-Forwarded-For style) names the original client first.
  const first = value?.split(",")[0]?.trim();
  return first !== undefined && first !== "" ? first : (request.socket.remoteAddress ?? "unknown");
}
