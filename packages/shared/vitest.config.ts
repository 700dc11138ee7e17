import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "shared",
    globalSetup: ["../../tooling/vitest/kafka-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
