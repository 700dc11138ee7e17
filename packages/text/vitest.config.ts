import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "text",
    testTimeout: 60_000,
  },
});
