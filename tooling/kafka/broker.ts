// The single local dev broker: one KRaft broker+controller JVM on KAFKA_PORT,
// its data in <cache>/kafka-data. KAFKA_BROKERS, when set, replaces it.
import fs from "node:fs";
import path from "node:path";
import { brokerPorts, externalBrokers } from "./env.ts";
import { fetchKafka, installPaths, kafkaVersion, requireJava } from "./jars.ts";
import {
  findRunningBroker,
  launchNode,
  newClusterId,
  nodePaths,
  prepareNode,
  replicationSettings,
  serverProperties,
  waitUntilReady,
} from "./kraft-node.ts";
import { stopTimeoutMs, terminate, withStartLock } from "./processes.ts";
import { canConnect, pingKafka } from "./protocol.ts";
import { KafkaToolError, defaultLog, elapsed, host, type Log, type LogOption } from "./shared.ts";

const startTimeoutMs = 60_000;
const singleBrokerHeap = ["-Xms256m", "-Xmx512m"];

export interface BrokerInfo {
  /** Bootstrap address, e.g. 127.0.0.1:9092 (or KAFKA_BROKERS when set). */
  brokers: string;
  /** True when this call started the broker. */
  started: boolean;
  /** True when KAFKA_BROKERS is set and nothing local is managed. */
  external: boolean;
  pid?: number;
}

export interface BrokerOptions {
  /** Client port (default KAFKA_PORT, else 9092). */
  port?: number;
  /** Controller port (default KAFKA_CONTROLLER_PORT, else 9093). */
  controllerPort?: number;
  /** How long to wait for the broker to be ready (default 60 s). */
  timeoutMs?: number;
  log?: Log;
}

function brokerPaths() {
  const install = installPaths();
  // Not versioned: topics survive a version bump (Kafka upgrades its own storage).
  const dataDir = path.join(install.cacheDir, "kafka-data");
  return { ...nodePaths(install, dataDir), lockDir: path.join(dataDir, ".start.lock") };
}

/**
 * Makes sure a broker is reachable and returns its bootstrap address.
 * KAFKA_BROKERS wins over everything; otherwise a running local broker is
 * reused, and only then is a new one formatted (first time) and started.
 */
export async function ensureBroker(opts: BrokerOptions = {}): Promise<BrokerInfo> {
  const log = opts.log ?? defaultLog;
  const external = externalBrokers();
  if (external) {
    log(`KAFKA_BROKERS is set; using ${external} and not starting a local broker`);
    return { brokers: external, started: false, external: true };
  }
  const paths = brokerPaths();
  const { port, controllerPort } = brokerPorts(opts);
  const timeoutMs = opts.timeoutMs ?? startTimeoutMs;
  if (port === controllerPort) {
    throw new KafkaToolError(`KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ (both are ${port})`);
  }

  // Several test runners may call this at once; only one may format and spawn.
  return withStartLock(paths.lockDir, "the broker", log, async () => {
    const running = findRunningBroker(paths);
    if (running) {
      const brokers = `${host}:${running.port}`;
      if (running.port !== port) {
        log(
          `note: running broker listens on ${running.port}, not the requested ${port}; reusing it`,
        );
      }
      if (!(await pingKafka(running.port))) {
        // Probably still booting (started by someone else a moment ago).
        log(`broker pid ${running.pid} is up but not answering yet; waiting ...`);
        await waitUntilReady({ paths, pid: running.pid, port: running.port, timeoutMs });
      }
      log(`reusing running broker (pid ${running.pid}) at ${brokers}`);
      return { brokers, started: false, external: false, pid: running.pid };
    }

    for (const taken of [port, controllerPort]) {
      if (await canConnect(taken)) {
        throw new KafkaToolError(
          `port ${taken} on ${host} is already in use by another process. Stop it, choose other ports ` +
            `with KAFKA_PORT / KAFKA_CONTROLLER_PORT, or use an existing broker with KAFKA_BROKERS=${host}:${port}`,
        );
      }
    }

    const java = requireJava();
    await fetchKafka({ log });
    prepareNode({
      paths,
      java,
      log,
      properties: serverProperties({
        paths,
        nodeId: 1,
        port,
        controllerPort,
        // Dynamic quorum (formatted with --standalone) wants bootstrap servers, not voters.
        quorum: { "controller.quorum.bootstrap.servers": `${host}:${controllerPort}` },
        durability: replicationSettings(1),
      }),
      clusterId: newClusterId(),
      // Single node that is its own (dynamic) controller quorum.
      formatArgs: ["--standalone"],
    });

    log(
      `starting Kafka ${kafkaVersion} broker on ${host}:${port} (controller ${host}:${controllerPort}) ...`,
    );
    const startedAt = Date.now();
    const pid = await launchNode({ paths, java, port, heap: singleBrokerHeap, timeoutMs, log });
    const brokers = `${host}:${port}`;
    log(
      `broker ready at ${brokers} (pid ${pid}) after ${elapsed(startedAt)}; logs: ${paths.serverLog}`,
    );
    return { brokers, started: true, external: false, pid };
  });
}

/** Stops the local broker if one is running. Never touches anything when KAFKA_BROKERS is set. */
export async function stopBroker({ log = defaultLog }: LogOption = {}): Promise<{
  stopped: boolean;
  external: boolean;
  pid?: number;
}> {
  const external = externalBrokers();
  if (external) {
    log(`KAFKA_BROKERS is set (${external}); not stopping anything`);
    return { stopped: false, external: true };
  }
  const paths = brokerPaths();
  const running = findRunningBroker(paths);
  if (!running) {
    log("no local broker is running; nothing to stop");
    return { stopped: false, external: false };
  }
  log(`stopping broker (pid ${running.pid}) ...`);
  const startedAt = Date.now();
  await terminate(running.pid, { log, timeoutMs: stopTimeoutMs });
  fs.rmSync(paths.pidFile, { force: true });
  log(`broker stopped after ${elapsed(startedAt)}`);
  return { stopped: true, external: false, pid: running.pid };
}

export interface BrokerStatus {
  running: boolean;
  /** The running broker's address, or where a new one would listen. */
  brokers: string;
  external: boolean;
  pid?: number;
  /** Whether a running local broker answers a Kafka ApiVersions request. */
  responding?: boolean;
}

/** Whether the local broker runs (always "running" when KAFKA_BROKERS is set). */
export async function brokerStatus(): Promise<BrokerStatus> {
  const external = externalBrokers();
  if (external) return { running: true, brokers: external, external: true };
  const paths = brokerPaths();
  const running = findRunningBroker(paths);
  if (!running) {
    return { running: false, brokers: `${host}:${brokerPorts().port}`, external: false };
  }
  return {
    running: true,
    brokers: `${host}:${running.port}`,
    external: false,
    pid: running.pid,
    responding: await pingKafka(running.port),
  };
}

/** Stops the local broker and deletes its data (topics, offsets, logs). Keeps the fetched jars. */
export async function resetBroker({ log = defaultLog }: LogOption = {}): Promise<void> {
  if (externalBrokers()) {
    throw new KafkaToolError(
      "KAFKA_BROKERS is set; refusing to reset (unset it to reset the local broker)",
    );
  }
  await stopBroker({ log });
  const { dataDir } = brokerPaths();
  fs.rmSync(dataDir, { recursive: true, force: true });
  log(`deleted ${dataDir}`);
}
