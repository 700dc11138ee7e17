// What `npm run bench` and `npm run soak` both do first: a work folder, the
// broker (started here unless one runs), the run context, and one clean-up
// (processes, this run's Kafka topics and groups, the broker if started
// here) that also runs on Ctrl-C.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBroker, stopBroker } from "../../tooling/kafka/broker.ts";
import { deleteKafkaPrefixes } from "./kafka-cleanup.ts";
import { stopAllTracked } from "./processes.ts";
import type { RunContext } from "./system.ts";

export interface RunSetup {
  ctx: RunContext;
  broker: Awaited<ReturnType<typeof ensureBroker>>;
  /** Stops everything this run started; safe to call more than once. */
  cleanUp: () => Promise<void>;
}

/** Prepares a run; `nodeArgs(workDir)` gives extra Node.js flags for the services. */
export async function setUpRun(
  name: string,
  log: (message: string) => void,
  nodeArgs: (workDir: string) => string[] = () => [],
): Promise<RunSetup> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `tweetream-${name}-`));
  log(`logs and catalogues in ${workDir}`);
  const kafkaLog = (m: string) => {
    log(`kafka: ${m}`);
  };
  const broker = await ensureBroker({ log: kafkaLog });
  const ctx: RunContext = {
    brokers: broker.brokers,
    workDir,
    adminToken: randomBytes(24).toString("base64url"),
    prefixes: [],
    log,
    serviceNodeArgs: nodeArgs(workDir),
  };
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await stopAllTracked();
      try {
        const removed = await deleteKafkaPrefixes(ctx.brokers, ctx.prefixes);
        log(
          `deleted ${removed.topics} Kafka topics and ${removed.groups} consumer groups of this run`,
        );
      } catch (error) {
        log(`could not delete this run's Kafka topics: ${String(error)}`);
      }
      if (broker.started) await stopBroker({ log: kafkaLog });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping every process this run started ...`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return { ctx, broker, cleanUp };
}
