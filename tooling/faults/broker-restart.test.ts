// The short version of `npm run faults -- --scenarios broker-restart`: a full
// restart of a single broker, with the services left running. It needs a
// broker of its own (the suite's broker serves every other test), so it starts
// one: one more JVM for about a minute.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnCluster, type OwnCluster } from "../kafka/own-cluster.ts";
import { formatResult, runScenario, scenarios } from "./scenario.ts";

let own: OwnCluster | undefined;

beforeAll(async () => {
  own = await startOwnCluster({ nodes: 1, fromPort: 19892, log: () => undefined });
}, 150_000);

afterAll(async () => {
  await own?.remove();
}, 60_000);

describe("fault harness (short version): a single broker restarts", () => {
  it("broker-restart: the services resume by themselves, nothing is lost or seen twice", async () => {
    const scenario = scenarios.find((s) => s.name === "broker-restart");
    if (!scenario || !own) throw new Error("no broker-restart scenario or no broker");
    const result = await runScenario(scenario, own.cluster.brokers, {
      rate: 20,
      warmSeconds: 3,
      holdSeconds: 2,
      afterSeconds: 5,
      drainSeconds: 60,
      replicationFactor: 1,
      log: () => undefined,
    });
    console.info(formatResult(result));
    rmSync(result.dir, { recursive: true, force: true });
    expect(result.produced).toBe(200);
    expect(result.missingInKafka).toBe(0);
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.delivered).toBe(result.produced);
    // Flow came back after the restart without restarting any service.
    expect(result.recoveryFrom).toBe("fault end");
    expect(result.recoveryMs).toBeDefined();
    expect(result.unexpectedExits).toEqual([]);
  }, 240_000);
});
