import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "tooling",
    include: ["**/*.test.ts"],
    globalSetup: ["./vitest/kafka-setup.ts"],
    testTimeout: 420_000,
    hookTimeout: 60_000,
  },
});
