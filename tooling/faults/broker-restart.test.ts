// The short version of `npm run faults -- --scenarios broker-restart`: a full
// restart of a single broker, with the services left running. It needs a
// broker of its own (the suite's broker serves every other test), so it starts
// one: one more JVM for about a minute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnCluster, type OwnCluster } from "../kafka/own-cluster.ts";
import { runShortVersion } from "./short-version.ts";

let own: OwnCluster | undefined;

beforeAll(async () => {
  own = await startOwnCluster({ nodes: 1, fromPort: 19892, log: () => undefined });
}, 150_000);

afterAll(async () => {
  await own?.remove();
}, 60_000);

describe("fault harness (short version): a single broker restarts", () => {
  it("broker-restart: the services resume by themselves, nothing is lost or seen twice", async () => {
    if (!own) throw new Error("no broker");
    const result = await runShortVersion("broker-restart", own.cluster.brokers, {
      drainSeconds: 60,
    });
    // Flow came back after the restart without restarting any service.
    expect(result.recoveryFrom).toBe("fault end");
  }, 240_000);
});
