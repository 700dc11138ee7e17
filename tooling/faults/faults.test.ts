// The short version of `npm run faults` (docs/RELIABILITY.md): the two cheap
// process faults, kill -9 of the classifier and of the streamer (file source
// resuming from its checkpoint), on the suite's broker rather than the
// 3-broker cluster, so it adds no JVM to a loaded CI machine. The broker
// faults need the cluster and run with `npm run faults`.
import { rmSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { formatResult, runScenario, scenarios } from "./scenario.ts";

const settings = {
  rate: 20,
  warmSeconds: 3,
  holdSeconds: 2,
  afterSeconds: 5,
  drainSeconds: 40,
  replicationFactor: 1,
  log: () => undefined,
};

describe("fault harness (short version)", () => {
  for (const name of ["classifier-kill", "streamer-kill"]) {
    it(`${name}: nothing acknowledged is lost, no subscriber sees a post twice`, async () => {
      const scenario = scenarios.find((s) => s.name === name);
      if (!scenario) throw new Error(`no scenario ${name}`);
      const result = await runScenario(scenario, inject("kafkaBrokers"), settings);
      console.info(formatResult(result));
      rmSync(result.dir, { recursive: true, force: true });
      expect(result.produced).toBe(200);
      expect(result.missingInKafka).toBe(0);
      expect(result.lost).toBe(0);
      expect(result.duplicated).toBe(0);
      expect(result.delivered).toBe(result.produced);
      expect(result.recoveryMs).toBeDefined();
      expect(result.unexpectedExits).toEqual([]);
    }, 150_000);
  }
});
