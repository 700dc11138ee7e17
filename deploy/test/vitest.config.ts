import { defineProject } from "vitest/config";

export default defineProject({
  // Also when run alone (`vitest run -c deploy/test/vitest.config.ts`): only these tests.
  root: import.meta.dirname,
  test: {
    name: "deploy",
    include: ["**/*.test.ts"],
    // Static checks only: no Kafka, no Docker, no cluster.
    testTimeout: 60_000,
  },
});
