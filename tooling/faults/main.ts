// `npm run faults`: the fault harness of issue #7 (docs/RELIABILITY.md). Starts
// (or reuses) the local 3-broker cluster, and a single broker of its own for
// the single-broker scenario, runs each chosen scenario on a fresh deployment
// and prints one line per scenario; exits 1 if any lost or repeated a post, or
// did not recover.
import { parseArgs } from "node:util";
import { ensureCluster, stopCluster } from "../kafka/cluster.ts";
import { startOwnCluster } from "../kafka/own-cluster.ts";
import {
  formatResult,
  runScenario,
  scenarios,
  type Scenario,
  type ScenarioResult,
} from "./scenario.ts";

const usage = `Usage: npm run faults -- [options]

  --scenarios a,b   which scenarios (default: all): ${scenarios.map((s) => s.name).join(", ")}
  --rate N          posts per second of the replayed corpus (default 50)
  --warm S          seconds of load before the fault (default 10)
  --hold S          seconds a broker stays down/frozen or a killed service stays dead (default 30 for broker-pause, else 5)
  --after S         seconds of load after the fault (default 15)
  --drain S         give up when nothing arrives for this long after the load (default 60)
  --keep-cluster    leave the cluster running at the end (default: stop it if this run started it)
  --list            list the scenarios and exit

The cluster uses KAFKA_CLUSTER_DIR and KAFKA_CLUSTER_BASE_PORT like \`npm run kafka cluster-start\`.
broker-restart runs on a single broker of its own (a temporary directory, ports from 19892).`;

const say = (message: string) => {
  process.stdout.write(`[faults] ${message}\n`);
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenarios: { type: "string" },
      rate: { type: "string", default: "50" },
      warm: { type: "string", default: "10" },
      hold: { type: "string" },
      after: { type: "string", default: "15" },
      drain: { type: "string", default: "60" },
      "keep-cluster": { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    say(usage);
    return 0;
  }
  if (values.list) {
    for (const s of scenarios) say(`${s.name.padEnd(20)} ${s.description}`);
    return 0;
  }
  const number = (name: string, value: string | undefined, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new Error(`--${name} must be a number from ${String(min)} to ${String(max)}`);
    }
    return n;
  };
  const chosen =
    values.scenarios === undefined
      ? scenarios
      : values.scenarios.split(",").map((name) => {
          const found = scenarios.find((s) => s.name === name.trim());
          if (!found) throw new Error(`unknown scenario ${name}; --list shows them`);
          return found;
        });

  const results: ScenarioResult[] = [];
  const run = async (scenario: Scenario, brokers: string, replicationFactor: number) => {
    const holdDefault = scenario.name === "broker-pause" ? 30 : 5;
    const result = await runScenario(scenario, brokers, {
      rate: number("rate", values.rate, 1, 1000),
      warmSeconds: number("warm", values.warm, 1, 600),
      holdSeconds: number("hold", values.hold ?? String(holdDefault), 0, 600),
      afterSeconds: number("after", values.after, 1, 600),
      drainSeconds: number("drain", values.drain, 5, 600),
      replicationFactor,
      log: say,
    });
    results.push(result);
    say(formatResult(result));
  };
  const onCluster = chosen.filter((s) => s.kafka !== "single");
  if (onCluster.length > 0) {
    const cluster = await ensureCluster({ nodes: 3, log: say });
    try {
      for (const scenario of onCluster) await run(scenario, cluster.brokers, 3);
    } finally {
      if (cluster.started && !values["keep-cluster"]) await stopCluster({ log: say });
    }
  }
  const onSingle = chosen.filter((s) => s.kafka === "single");
  if (onSingle.length > 0) {
    const single = await startOwnCluster({ nodes: 1, fromPort: 19892, log: say });
    try {
      for (const scenario of onSingle) await run(scenario, single.cluster.brokers, 1);
    } finally {
      await single.remove();
    }
  }
  say("summary:");
  for (const result of results) say(formatResult(result));
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`[faults] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
