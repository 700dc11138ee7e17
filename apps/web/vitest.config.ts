import { createRequire } from "node:module";
import { defineProject } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineProject({
  resolve: {
    // Vite would hand our sources graphql's ESM build while Apollo, graphql-ws
    // and graphql-tools (loaded by Node) get its CommonJS one: two copies, and
    // graphql-js refuses a schema from "another realm". Node's choice for all.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    name: "web",
    globalSetup: ["../../tooling/vitest/kafka-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
