import { createRequire } from "node:module";
import { defineProject } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineProject({
  resolve: {
    // One graphql-js for the web server's sources and the libraries Node loads
    // (see apps/web/vitest.config.ts).
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    name: "e2e",
    include: ["**/*.test.ts"],
    globalSetup: ["../tooling/vitest/kafka-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
