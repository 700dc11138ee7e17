import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "bench",
    include: ["bench.test.ts", "soak.test.ts", "stock/*.test.ts", "lib/*.test.ts"],
    globalSetup: ["../tooling/vitest/kafka-setup.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
