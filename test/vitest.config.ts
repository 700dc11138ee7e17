import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "e2e",
    include: ["**/*.test.ts"],
    globalSetup: ["../tooling/vitest/kafka-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
