// Security headers for every response of the web server, set by helmet on the
// node:http server itself so the dashboard, its static files, its error pages
// and the API all get them whichever handler answers (docs/OPERATIONS.md,
// "Security").
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";

/** A connect-style middleware, as helmet returns. */
export type HeaderMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * The dashboard's Content-Security-Policy directives. Scripts may only come
 * from our origin, but inline scripts are allowed: the pages are prerendered
 * at build time and Next.js puts its bootstrap and RSC payload in inline
 * `<script>`s, whose nonces only a per-request render could supply (see
 * docs/OPERATIONS.md, "Security", for why we keep the pages static). Next dev
 * (hot reloading) also needs `eval`. The graphql-ws socket goes to this
 * origin, over ws: or wss: (which 'self' does not cover in every browser).
 */
export function dashboardCspDirectives(dev: boolean): Record<string, string[]> {
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", ...(dev ? ["'unsafe-eval'"] : [])],
    // React and Recharts set `style` attributes.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", "ws:", "wss:"],
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

/** Headers for dashboard pages and assets: helmet's defaults plus the CSP above. */
export function dashboardHeaders(dev: boolean): HeaderMiddleware {
  return helmet({
    ...common,
    referrerPolicy: { policy: "same-origin" },
    contentSecurityPolicy: { useDefaults: false, directives: dashboardCspDirectives(dev) },
  });
}

/**
 * Headers for /graphql, /healthz, /readyz and /metrics: helmet's defaults
 * without a CSP. These answer JSON or text, which `nosniff` keeps browsers from
 * running; the one HTML page, Apollo's landing page at GET /graphql, loads
 * Apollo's Sandbox from Apollo's CDN, which a CSP would block.
 */
export function apiHeaders(): HeaderMiddleware {
  return helmet({ ...common, contentSecurityPolicy: false });
}
