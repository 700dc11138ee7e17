// Security headers for every response of the web server, set by helmet on the
// node:http server itself so the dashboard, its static files, its error pages
// and the API all get them whichever handler answers (docs/OPERATIONS.md,
// "Security").
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";

/** A connect-style middleware, as helmet returns. */
export type HeaderMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** One source of a CSP directive: fixed, or computed by helmet for each response. */
export type CspSource = string | ((request: IncomingMessage, response: ServerResponse) => string);

/**
 * A Host header that can be named in a CSP source: a DNS name or IPv4 address
 * with an optional port. Anything else (spaces, `;`, `,`, `*`, quotes) could
 * change the policy, and CSP host sources have no syntax for IPv6 literals.
 */
const CSP_HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::[0-9]{1,5})?$/i;
const MAX_HOST_LENGTH = 260;

/**
 * The `connect-src` sources for a page requested with this Host header: its
 * own origin, and WebSockets to the same host and port, which 'self' covers
 * only in browsers that follow CSP Level 3 on this. Both ws: and wss: are
 * named because behind a TLS-terminating proxy the server cannot tell which
 * one the page uses without trusting a forwarded header, and both reach only
 * this host. Without a usable Host header, 'self' alone.
 */
export function connectSources(host: string | undefined): string {
  if (host === undefined || host.length > MAX_HOST_LENGTH || !CSP_HOST.test(host)) {
    return "'self'";
  }
  const name = host.toLowerCase();
  return `'self' ws://${name} wss://${name}`;
}

/**
 * The dashboard's Content-Security-Policy directives. Scripts need this
 * response's nonce: Next.js stamps it on every `<script>` it renders (its
 * bootstrap, the RSC payload, the chunks), and 'strict-dynamic' lets those
 * load the rest of the chunks; 'self' only matters to browsers older than
 * CSP Level 3, which ignore 'strict-dynamic'. No 'unsafe-inline' for scripts,
 * so the pages are rendered per request (`app/layout.tsx`). Next dev (hot
 * reloading) also needs `eval`.
 */
export function dashboardCspDirectives(dev: boolean): Record<string, CspSource[]> {
  return {
    "default-src": ["'self'"],
    "script-src": [
      "'self'",
      () => `'nonce-${randomBytes(16).toString("base64")}'`,
      "'strict-dynamic'",
      ...(dev ? ["'unsafe-eval'"] : []),
    ],
    // Styles keep 'unsafe-inline': React and Recharts set `style` attributes,
    // which only 'unsafe-inline' allows (a nonce here would switch it off).
    // CSS cannot run script, and img-src and font-src keep its loads here.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": [(request) => connectSources(request.headers.host)],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
}

const common = {
  xFrameOptions: { action: "deny" },
  // TLS ends at the reverse proxy or ingress, which owns HSTS for its domain
  // (includeSubDomains and preload are the domain owner's decision).
  strictTransportSecurity: false,
} as const;

/**
 * Headers for dashboard pages and assets: helmet's defaults plus the CSP
 * above, with a fresh nonce for every response. The request then carries the
 * same policy in its own `Content-Security-Policy` header, which is where
 * Next.js reads the nonce while rendering (`getScriptNonceFromHeaders` in
 * next/dist/server/app-render); whatever the client sent there is replaced.
 */
export function dashboardHeaders(dev: boolean): HeaderMiddleware {
  const headers = helmet({
    ...common,
    referrerPolicy: { policy: "same-origin" },
    contentSecurityPolicy: { useDefaults: false, directives: dashboardCspDirectives(dev) },
  });
  return (request, response, next) => {
    headers(request, response, (error) => {
      const policy = response.getHeader("content-security-policy");
      if (typeof policy === "string") request.headers["content-security-policy"] = policy;
      else delete request.headers["content-security-policy"];
      delete request.headers["content-security-policy-report-only"];
      next(error);
    });
  };
}

/**
 * Headers for /graphql: helmet's defaults
 * without a CSP. It answers JSON, which `nosniff` keeps browsers from
 * running; the one HTML page, Apollo's landing page at GET /graphql, loads
 * Apollo's Sandbox from Apollo's CDN, which a CSP would block.
 */
export function apiHeaders(): HeaderMiddleware {
  return helmet({ ...common, contentSecurityPolicy: false });
}
