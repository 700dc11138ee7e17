// The short version of `npm run faults` (docs/RELIABILITY.md): the cheap
// process faults, kill -9 of the classifier, of the streamer (file source
// resuming from its checkpoint) and of one of two web processes (its
// subscribers resume on the other with their cursor), on the suite's broker rather than the
// 3-broker cluster, so it adds no JVM to a loaded CI machine. The broker
// faults need the cluster and run with `npm run faults`.
import { describe, inject, it } from "vitest";
import { runShortVersion } from "./short-version.ts";

describe("fault harness (short version)", () => {
  for (const name of ["classifier-kill", "streamer-kill", "web-kill"]) {
    it(`${name}: nothing acknowledged is lost, no subscriber sees a post twice`, async () => {
      await runShortVersion(name, inject("kafkaBrokers"));
    }, 150_000);
  }
});
