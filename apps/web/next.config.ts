import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The dashboard highlights with @tweetream/text/browser (TypeScript source),
  // which reads a limit from @tweetream/shared/limits.
  transpilePackages: ["@tweetream/text", "@tweetream/shared"],
  // The server listens on 127.0.0.1 by default, which Next dev would treat as
  // a foreign origin and refuse hot reloading to.
  allowedDevOrigins: ["127.0.0.1", "localhost", "[::1]"],
  // `npm run typecheck` (tsc) and ESLint check the dashboard; skipping Next's own
  // type-check pass keeps `next build` fast on small machines.
  typescript: { ignoreBuildErrors: true },
  // Security headers and the Content-Security-Policy are set by our server for
  // every response, Next's included (src/server/security-headers.ts).
};

export default config;
