import { defineProject } from "vitest/config";

// The 3-broker cluster test runs only on request (`npm run test:cluster`): it
// takes 80–90 s and three more JVMs beside the full suite on a 2-core machine.
// (Its earlier flake was kafkajs' multi-partition send retry losing records
// after a leader moved, fixed in packages/shared/src/kafka/producer.ts.)
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
