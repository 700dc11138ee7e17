import { defineProject } from "vitest/config";

// The 3-broker cluster test runs only on request (`npm run test:cluster`): on
// this 2-core machine, three more JVMs beside the full suite made it flaky
// (a killed broker's partitions sometimes had not moved in time).
const clusterTests = process.env.TWEETREAM_CLUSTER_TESTS === "1";

export default defineProject({
  test: {
    name: "tooling",
    include: ["**/*.test.ts"],
    exclude: clusterTests ? [] : ["kafka-cluster.test.ts"],
    globalSetup: ["./vitest/kafka-setup.ts"],
    testTimeout: 420_000,
    hookTimeout: 60_000,
  },
});
