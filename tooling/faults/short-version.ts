// The short version of `npm run faults` that runs in `npm test`: 200 posts at
// 20 posts/s, and the checks every scenario must pass. Used by faults.test.ts
// and broker-restart.test.ts.
import { rmSync } from "node:fs";
import { expect } from "vitest";
import {
  formatResult,
  runScenario,
  scenarios,
  type ScenarioResult,
  type ScenarioSettings,
} from "./scenario.ts";

const settings: ScenarioSettings = {
  rate: 20,
  warmSeconds: 3,
  holdSeconds: 2,
  afterSeconds: 5,
  drainSeconds: 40,
  replicationFactor: 1,
  log: () => undefined,
};

/** Runs scenario `name` on `brokers` and checks that nothing acknowledged was lost or seen twice. */
export async function runShortVersion(
  name: string,
  brokers: string,
  overrides: Partial<ScenarioSettings> = {},
): Promise<ScenarioResult> {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  const result = await runScenario(scenario, brokers, { ...settings, ...overrides });
  console.info(formatResult(result));
  rmSync(result.dir, { recursive: true, force: true });
  expect(result.produced).toBe(200);
  expect(result.missingInKafka).toBe(0);
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.delivered).toBe(result.produced);
  expect(result.recoveryMs).toBeDefined();
  expect(result.unexpectedExits).toEqual([]);
  return result;
}
