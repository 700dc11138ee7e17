#!/usr/bin/env node
// Runs a real single-node Apache Kafka broker (KRaft: broker + controller in one
// JVM, no ZooKeeper) for local development and tests, from the official jars on
// Maven Central. No npm dependencies on purpose: it must work before `npm ci`.
//
//   node tooling/kafka/kafka.mjs <fetch|start|stop|status|reset>
//
// It can also run a local multi-node cluster (N broker+controller JVMs with a
// static quorum and production-like replication) for scale and failure tests,
// with per-node stop/start/kill/pause controls:
//
//   node tooling/kafka/kafka.mjs <cluster-start [--nodes N]|cluster-stop|cluster-status|cluster-reset>
//   node tooling/kafka/kafka.mjs <node-stop|node-start|node-kill|node-pause|node-resume> <id>
//
// Also importable (e.g. from a Vitest globalSetup):
//   import { ensureBroker, stopBroker } from '../../tooling/kafka/kafka.mjs';
//
// Progress goes to stderr with a "[kafka]" prefix; `start` and `status` print
// the bootstrap address on stdout so scripts can capture it.

import { Buffer } from "node:buffer";
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const toolDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(toolDir, "..", "..");
const pomFile = path.join(toolDir, "pom.xml");
const log4jConfigFile = path.join(toolDir, "log4j2.xml");

// 127.0.0.1 rather than localhost: clients that resolve localhost to ::1 first
// would otherwise miss a listener bound to IPv4 only.
const host = "127.0.0.1";
const defaultPort = 9092;
const defaultControllerPort = 9093;
const startTimeoutMs = 60_000;
const stopTimeoutMs = 30_000;
const lockTimeoutMs = 120_000;
const readyLogLine = "Kafka Server started";
// Node i (1-based) listens on base + 2(i-1) for clients and the next port for the controller.
const defaultClusterBasePort = 19092;
const defaultClusterNodes = 3;
const maxClusterNodes = 9;
// Several JVMs booting at once on a small machine take longer than one.
const clusterStartTimeoutMs = 120_000;
const singleBrokerHeap = ["-Xms256m", "-Xmx512m"];
const clusterNodeHeap = ["-Xms128m", "-Xmx384m"];

export const kafkaVersion = readPinnedVersion();

export class KafkaToolError extends Error {}

const defaultLog = (message) => process.stderr.write(`[kafka] ${message}\n`);

// The pom is the single source of truth for the version: mvn resolves the jars
// from it, and this module only needs it to name the cache folder.
function readPinnedVersion() {
  const pom = fs.readFileSync(pomFile, "utf8");
  const match = pom.match(/<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/);
  if (!match) throw new KafkaToolError(`no <kafka.version> property in ${pomFile}`);
  return match[1];
}

// Read at call time, not import time, so callers can adjust env before calling.
function installPaths() {
  const cacheDir = path.resolve(process.env.TWEETREAM_CACHE_DIR || path.join(repoRoot, ".cache"));
  const installDir = path.join(cacheDir, `kafka-${kafkaVersion}`);
  return {
    cacheDir,
    installDir,
    libsDir: path.join(installDir, "libs"),
    fetchedMarker: path.join(installDir, ".fetched"),
  };
}

// Where one broker JVM keeps its config, pid, storage and logs.
function nodePaths(install, dataDir) {
  const logsDir = path.join(dataDir, "logs");
  return {
    ...install,
    dataDir,
    storageDir: path.join(dataDir, "kraft-combined-logs"),
    logsDir,
    serverLog: path.join(logsDir, "server.log"),
    consoleLog: path.join(logsDir, "console.log"),
    propertiesFile: path.join(dataDir, "server.properties"),
    pidFile: path.join(dataDir, "broker.pid"),
    formattedByFile: path.join(dataDir, "formatted-by-version"),
  };
}

function resolvePaths() {
  const install = installPaths();
  // Not versioned: topics survive a version bump (Kafka upgrades its own storage).
  const dataDir = path.join(install.cacheDir, "kafka-data");
  return { ...nodePaths(install, dataDir), lockDir: path.join(dataDir, ".start.lock") };
}

function resolveClusterPaths() {
  const install = installPaths();
  // Own variable so a test can keep its cluster apart while sharing the jars.
  const clusterDir = path.resolve(
    process.env.KAFKA_CLUSTER_DIR || path.join(install.cacheDir, "kafka-cluster"),
  );
  return {
    ...install,
    clusterDir,
    // Node count, base port and cluster id the node dirs were formatted for.
    layoutFile: path.join(clusterDir, "cluster.json"),
    lockDir: path.join(clusterDir, ".start.lock"),
    node: (id) => nodePaths(install, path.join(clusterDir, `node-${id}`)),
  };
}

function resolvePorts(opts = {}) {
  return {
    port: parsePort(opts.port ?? process.env.KAFKA_PORT, defaultPort, "KAFKA_PORT"),
    controllerPort: parsePort(
      opts.controllerPort ?? process.env.KAFKA_CONTROLLER_PORT,
      defaultControllerPort,
      "KAFKA_CONTROLLER_PORT",
    ),
  };
}

function parsePort(value, fallback, name) {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new KafkaToolError(`${name} must be a TCP port number, got "${value}"`);
  }
  return port;
}

function externalBrokers() {
  const brokers = process.env.KAFKA_BROKERS?.trim();
  return brokers ? brokers : undefined;
}

// ---------------------------------------------------------------------------
// fetch

/** Copies the broker's jars from Maven Central into the cache (once per version). */
export async function fetchKafka({ log = defaultLog } = {}) {
  const paths = installPaths();
  if (isFetched(paths)) {
    log(`Apache Kafka ${kafkaVersion} jars already in ${paths.libsDir}`);
    return { libsDir: paths.libsDir, fetched: false };
  }
  requireCommand("mvn", ["-v"], "Install Apache Maven 3.8+ (e.g. `apt-get install maven`)");
  log(`fetching Apache Kafka ${kafkaVersion} jars with mvn into ${paths.libsDir} ...`);
  const startedAt = Date.now();
  // Copy into a scratch folder and rename at the end so an interrupted fetch
  // never looks complete.
  const scratchDir = `${paths.libsDir}.partial-${process.pid}`;
  fs.rmSync(scratchDir, { recursive: true, force: true });
  fs.mkdirSync(paths.installDir, { recursive: true });
  const args = [
    "-q",
    "-B",
    "-f",
    pomFile,
    "dependency:copy-dependencies",
    "-DincludeScope=runtime",
    `-DoutputDirectory=${scratchDir}`,
  ];
  const code = await runMaven(args);
  if (code !== 0) {
    fs.rmSync(scratchDir, { recursive: true, force: true });
    throw new KafkaToolError(
      `mvn exited with code ${code} while fetching Kafka ${kafkaVersion}; ` +
        `re-run \`mvn -B -f ${path.relative(process.cwd(), pomFile)} dependency:copy-dependencies\` to see why`,
    );
  }
  fs.rmSync(paths.libsDir, { recursive: true, force: true });
  try {
    fs.renameSync(scratchDir, paths.libsDir);
  } catch (error) {
    // A concurrent fetch won the race; its copy is just as good.
    fs.rmSync(scratchDir, { recursive: true, force: true });
    if (!fs.existsSync(paths.libsDir)) throw error;
  }
  fs.writeFileSync(paths.fetchedMarker, `${pomHash()}\n`);
  const jars = fs.readdirSync(paths.libsDir).length;
  log(`fetched ${jars} jars in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
  return { libsDir: paths.libsDir, fetched: true };
}

// The marker holds the pom's hash, so editing the pom (say, adding a jar)
// triggers a new fetch even when the Kafka version stays the same.
function isFetched(paths) {
  return (
    readText(paths.fetchedMarker) === pomHash() &&
    fs.existsSync(path.join(paths.libsDir, `kafka_2.13-${kafkaVersion}.jar`))
  );
}

function pomHash() {
  return createHash("sha256").update(fs.readFileSync(pomFile)).digest("hex");
}

// ---------------------------------------------------------------------------
// start

/**
 * Makes sure a broker is reachable and returns its bootstrap address.
 * KAFKA_BROKERS wins over everything; otherwise a running local broker is
 * reused, and only then is a new one formatted (first time) and started.
 *
 * @param {{port?: number, controllerPort?: number, timeoutMs?: number, log?: (msg: string) => void}} [opts]
 * @returns {Promise<{brokers: string, started: boolean, external: boolean, pid?: number}>}
 */
export async function ensureBroker(opts = {}) {
  const log = opts.log ?? defaultLog;
  const external = externalBrokers();
  if (external) {
    log(`KAFKA_BROKERS is set; using ${external} and not starting a local broker`);
    return { brokers: external, started: false, external: true };
  }
  const paths = resolvePaths();
  const { port, controllerPort } = resolvePorts(opts);
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
      `broker ready at ${brokers} (pid ${pid}) after ${((Date.now() - startedAt) / 1000).toFixed(1)}s; logs: ${paths.serverLog}`,
    );
    return { brokers, started: true, external: false, pid };
  });
}

// One combined broker+controller node. `quorum` says how it finds the
// controllers; `durability` sets the replication of internal topics.
function serverProperties({ paths, nodeId, port, controllerPort, quorum, durability }) {
  const properties = {
    "process.roles": "broker,controller",
    "node.id": nodeId,
    ...quorum,
    listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": paths.storageDir,

    ...durability,
    // 50 partitions each by default: slow first group join / transaction for no benefit here.
    "offsets.topic.num.partitions": 10,
    "transaction.state.log.num.partitions": 10,

    "num.partitions": 3,
    // Topics are created explicitly by the code that owns them, so typos fail loudly.
    "auto.create.topics.enable": false,
    // Tests join and leave groups constantly; the default 3s delay only slows them.
    "group.initial.rebalance.delay.ms": 0,

    // Dev-sized storage: small segments, a day of retention, 1 GiB cap per partition.
    "log.segment.bytes": 16 * 1024 * 1024,
    "log.retention.hours": 24,
    "log.retention.bytes": 1024 * 1024 * 1024,
    "log.retention.check.interval.ms": 60_000,
    // The cleaner allocates this up front; the 128 MiB default is a quarter of our heap.
    "log.cleaner.dedupe.buffer.size": 16 * 1024 * 1024,

    // Sized for a laptop / 2-core CI box rather than a server.
    "num.network.threads": 2,
    "num.io.threads": 4,
    "num.recovery.threads.per.data.dir": 1,
  };
  const lines = Object.entries(properties).map(([key, value]) => `${key}=${value}`);
  return `# Generated by tooling/kafka/kafka.mjs on every start; edits are overwritten.\n${lines.join("\n")}\n`;
}

// Production defaults (3 replicas, 2 in sync) capped by the number of brokers:
// a single broker can't hold 3 replicas.
function replicationSettings(brokers) {
  const replicas = Math.min(3, brokers);
  const minInSync = Math.max(1, replicas - 1);
  return {
    "default.replication.factor": replicas,
    "min.insync.replicas": minInSync,
    "offsets.topic.replication.factor": replicas,
    "transaction.state.log.replication.factor": replicas,
    "transaction.state.log.min.isr": minInSync,
    "share.coordinator.state.topic.replication.factor": replicas,
    "share.coordinator.state.topic.min.isr": minInSync,
    // A follower that stops fetching (crashed or frozen) leaves the ISR after
    // this long; until then acks=all writes to its partitions wait for it.
    // Kafka's 30 s default would stall writes for 30 s after every broker loss.
    ...(replicas > 1 && { "replica.lag.time.max.ms": 10_000 }),
  };
}

// Writes the node's config (on every start, so generator changes apply) and
// formats its storage the first time.
function prepareNode({ paths, java, log, properties, clusterId, formatArgs }) {
  fs.mkdirSync(paths.logsDir, { recursive: true });
  fs.writeFileSync(paths.propertiesFile, properties);
  formatStorageIfNeeded({ paths, java, log, clusterId, formatArgs });
}

function formatStorageIfNeeded({ paths, java, log, clusterId, formatArgs }) {
  if (fs.existsSync(path.join(paths.storageDir, "meta.properties"))) {
    const formattedBy = readText(paths.formattedByFile);
    if (formattedBy && formattedBy !== kafkaVersion) {
      log(
        `note: data dir was formatted by Kafka ${formattedBy}; starting ${kafkaVersion} on it (run \`reset\` if it fails)`,
      );
    }
    return;
  }
  log(`formatting storage in ${paths.storageDir} (cluster id ${clusterId}) ...`);
  const result = spawnSync(
    java,
    [
      ...jvmLoggingArgs(paths),
      "-cp",
      classpath(paths),
      "kafka.tools.StorageTool",
      "format",
      "--cluster-id",
      clusterId,
      "--config",
      paths.propertiesFile,
      ...formatArgs,
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0) {
    throw new KafkaToolError(
      `kafka-storage format failed (exit ${result.status}):\n${result.stdout ?? ""}${result.stderr ?? ""}`,
    );
  }
  fs.writeFileSync(paths.formattedByFile, `${kafkaVersion}\n`);
}

// Same shape as Kafka's own Uuid.randomUuid(): 16 random bytes, URL-safe
// base64, and never a leading '-' (it would be parsed as a CLI flag).
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

// Spawns the node, records its pid and waits until it is ready. Only log lines
// written after this spawn count as proof of readiness.
async function launchNode({ paths, java, port, heap, timeoutMs, log, label, cancel }) {
  const logOffsets = { server: fileSize(paths.serverLog), console: fileSize(paths.consoleLog) };
  const pid = spawnBroker({ paths, java, heap });
  fs.writeFileSync(paths.pidFile, `${pid}\n`);
  try {
    await waitUntilReady({ paths, pid, port, timeoutMs, logOffsets, label, cancel });
  } catch (error) {
    // A half-started broker would be "reused" by the next start; don't leave one behind.
    await terminate(pid, { log, timeoutMs: 10_000 });
    fs.rmSync(paths.pidFile, { force: true });
    throw error;
  }
  return pid;
}

function spawnBroker({ paths, java, heap }) {
  const consoleFd = fs.openSync(paths.consoleLog, "a");
  try {
    const child = spawn(
      java,
      [
        ...heap,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        ...jvmLoggingArgs(paths),
        "-cp",
        classpath(paths),
        "kafka.Kafka",
        paths.propertiesFile,
      ],
      // Detached with no pipes back to us, so the broker outlives this process
      // (the CLI exits right after start).
      { cwd: paths.dataDir, detached: true, stdio: ["ignore", consoleFd, consoleFd] },
    );
    child.unref();
    if (!child.pid) throw new KafkaToolError(`could not start ${java}`);
    return child.pid;
  } finally {
    fs.closeSync(consoleFd);
  }
}

function jvmLoggingArgs(paths) {
  return [`-Dlog4j2.configurationFile=${log4jConfigFile}`, `-Dkafka.logs.dir=${paths.logsDir}`];
}

// The JVM expands the trailing '*' itself, no shell involved.
function classpath(paths) {
  return `${paths.libsDir}${path.sep}*`;
}

// Ready = the broker logged that it finished starting (it is then unfenced and
// can host partitions) AND it answers a Kafka ApiVersions request.
// Without logOffsets (a broker someone else started) only the ping counts.
// Setting `cancel.reason` ends the wait with it (a sibling cluster node failed to start).
async function waitUntilReady({
  paths,
  pid,
  port,
  timeoutMs,
  logOffsets,
  label = "the broker",
  cancel,
}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cancel?.reason) throw cancel.reason;
    if (!isOurBroker(pid, paths)) {
      throw new KafkaToolError(
        `${label} process (pid ${pid}) exited during startup.\n${logTails(paths, logOffsets)}`,
      );
    }
    const started =
      !logOffsets || readFrom(paths.serverLog, logOffsets.server).includes(readyLogLine);
    if (started && (await pingKafka(port))) return;
    if (Date.now() > deadline) {
      throw new KafkaToolError(
        `${label} (pid ${pid}) was not ready on ${host}:${port} within ${timeoutMs / 1000}s.\n${logTails(paths, logOffsets)}`,
      );
    }
    await sleep(250);
  }
}

function logTails(paths, logOffsets = { server: 0, console: 0 }) {
  const sections = [];
  for (const [file, offset] of [
    [paths.serverLog, logOffsets.server],
    [paths.consoleLog, logOffsets.console],
  ]) {
    const lines = readFrom(file, offset).trimEnd().split("\n").slice(-40);
    if (lines.join("").trim())
      sections.push(`--- last ${lines.length} lines of ${file} ---\n${lines.join("\n")}`);
    else sections.push(`--- ${file}: nothing logged yet ---`);
  }
  return sections.join("\n");
}

// ---------------------------------------------------------------------------
// stop / status / reset

/** Stops the local broker if one is running. Never touches anything when KAFKA_BROKERS is set. */
export async function stopBroker({ log = defaultLog } = {}) {
  if (externalBrokers()) {
    log(`KAFKA_BROKERS is set (${externalBrokers()}); not stopping anything`);
    return { stopped: false, external: true };
  }
  const paths = resolvePaths();
  const running = findRunningBroker(paths);
  if (!running) {
    log("no local broker is running; nothing to stop");
    return { stopped: false, external: false };
  }
  log(`stopping broker (pid ${running.pid}) ...`);
  const startedAt = Date.now();
  await terminate(running.pid, { log, timeoutMs: stopTimeoutMs });
  fs.rmSync(paths.pidFile, { force: true });
  log(`broker stopped after ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
  return { stopped: true, external: false, pid: running.pid };
}

/** @returns {Promise<{running: boolean, brokers: string, external: boolean, pid?: number, responding?: boolean}>} */
export async function brokerStatus() {
  const external = externalBrokers();
  if (external) return { running: true, brokers: external, external: true };
  const paths = resolvePaths();
  const running = findRunningBroker(paths);
  if (!running) {
    return { running: false, brokers: `${host}:${resolvePorts().port}`, external: false };
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
export async function resetBroker({ log = defaultLog } = {}) {
  if (externalBrokers()) {
    throw new KafkaToolError(
      "KAFKA_BROKERS is set; refusing to reset (unset it to reset the local broker)",
    );
  }
  await stopBroker({ log });
  const { dataDir } = resolvePaths();
  fs.rmSync(dataDir, { recursive: true, force: true });
  log(`deleted ${dataDir}`);
}

// ---------------------------------------------------------------------------
// local multi-node cluster
//
// N combined broker+controller JVMs on 127.0.0.1 with a static controller
// quorum (controller.quorum.voters), so nodes can be stopped, killed or paused
// one at a time. Always local: KAFKA_BROKERS is ignored here, since fault
// injection needs processes this module owns.

function resolveClusterOptions(opts = {}) {
  const nodes = Number(opts.nodes ?? defaultClusterNodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > maxClusterNodes) {
    throw new KafkaToolError(
      `nodes must be a whole number from 1 to ${maxClusterNodes}, got "${opts.nodes}"`,
    );
  }
  const basePort = parsePort(
    opts.basePort ?? process.env.KAFKA_CLUSTER_BASE_PORT,
    defaultClusterBasePort,
    "KAFKA_CLUSTER_BASE_PORT",
  );
  if (basePort + 2 * nodes - 1 > 65535) {
    throw new KafkaToolError(`a ${nodes}-node cluster does not fit above port ${basePort}`);
  }
  return { nodes, basePort };
}

/** @returns {{clusterId: string, nodes: number, basePort: number} | undefined} */
function readLayout(paths) {
  try {
    const layout = JSON.parse(readText(paths.layoutFile));
    if (typeof layout.clusterId === "string" && layout.nodes > 0 && layout.basePort > 0) {
      return layout;
    }
  } catch {
    // missing or unreadable: no cluster was made here yet
  }
  return undefined;
}

function clusterNodes(paths, { nodes, basePort }) {
  return Array.from({ length: nodes }, (_, index) => ({
    id: index + 1,
    port: basePort + 2 * index,
    controllerPort: basePort + 2 * index + 1,
    paths: paths.node(index + 1),
  }));
}

function bootstrapList(nodes) {
  return nodes.map((node) => `${host}:${node.port}`).join(",");
}

function clusterNodeProperties(node, nodes) {
  return serverProperties({
    paths: node.paths,
    nodeId: node.id,
    port: node.port,
    controllerPort: node.controllerPort,
    // Static quorum: every node knows every voter up front, so no --standalone
    // or --initial-controllers at format time.
    quorum: {
      "controller.quorum.voters": nodes.map((n) => `${n.id}@${host}:${n.controllerPort}`).join(","),
    },
    durability: replicationSettings(nodes.length),
  });
}

// The cluster as this module last made it, or as the options would make it.
function currentLayout(paths, opts) {
  return readLayout(paths) ?? { clusterId: "", ...resolveClusterOptions(opts) };
}

function requireLayout(paths) {
  const layout = readLayout(paths);
  if (!layout) {
    throw new KafkaToolError(
      `no local cluster in ${paths.clusterDir}; start one with \`cluster-start\` (ensureCluster())`,
    );
  }
  return layout;
}

function requireNode(paths, id) {
  const layout = requireLayout(paths);
  const nodes = clusterNodes(paths, layout);
  const node = nodes.find((n) => n.id === Number(id));
  if (!node) {
    throw new KafkaToolError(
      `no node ${id} in the ${layout.nodes}-node cluster (ids 1-${layout.nodes})`,
    );
  }
  return { node, nodes };
}

function nodeInfo(node, pid) {
  return { id: node.id, port: node.port, controllerPort: node.controllerPort, pid };
}

function isPaused(pid) {
  return /^\d+ \(.*\) [Tt]/.test(readText(`/proc/${pid}/stat`));
}

/**
 * Makes sure a local N-node cluster runs and returns its bootstrap list.
 * Reuses running nodes, starts missing ones (formatting new ones first), and
 * waits until every node logged that it started and answers ApiVersions.
 *
 * @param {{nodes?: number, basePort?: number, timeoutMs?: number, log?: (msg: string) => void}} [opts]
 */
export async function ensureCluster(opts = {}) {
  const log = opts.log ?? defaultLog;
  const wanted = resolveClusterOptions(opts);
  const timeoutMs = opts.timeoutMs ?? clusterStartTimeoutMs;
  const paths = resolveClusterPaths();

  return withStartLock(paths.lockDir, "the cluster", log, async () => {
    let layout = readLayout(paths);
    const runningIds = layout
      ? clusterNodes(paths, layout)
          .filter((node) => findRunningBroker(node.paths))
          .map((node) => node.id)
      : [];
    const matches = layout?.nodes === wanted.nodes && layout.basePort === wanted.basePort;
    if (layout && !matches) {
      if (runningIds.length > 0) {
        throw new KafkaToolError(
          `a ${layout.nodes}-node cluster on base port ${layout.basePort} is running (nodes ${runningIds.join(",")}); ` +
            `stop it with \`cluster-stop\` before starting ${wanted.nodes} nodes on base port ${wanted.basePort}`,
        );
      }
      // Static voters are part of the cluster's identity: a new shape needs new storage.
      log(
        `cluster data in ${paths.clusterDir} was made for ${layout.nodes} nodes on base port ${layout.basePort}; deleting it`,
      );
      deleteClusterData(paths);
      layout = undefined;
    }
    if (!layout) {
      layout = { clusterId: newClusterId(), ...wanted };
      fs.mkdirSync(paths.clusterDir, { recursive: true });
      fs.writeFileSync(paths.layoutFile, `${JSON.stringify(layout, null, 2)}\n`);
    }
    const nodes = clusterNodes(paths, layout);
    const brokers = bootstrapList(nodes);

    const missing = nodes.filter((node) => !runningIds.includes(node.id));
    for (const node of nodes) {
      const running = findRunningBroker(node.paths);
      if (running && isPaused(running.pid)) {
        throw new KafkaToolError(`node ${node.id} (pid ${running.pid}) is paused; resume it first`);
      }
    }
    for (const node of missing) {
      for (const taken of [node.port, node.controllerPort]) {
        if (await canConnect(taken)) {
          throw new KafkaToolError(
            `port ${taken} on ${host} (node ${node.id}) is already in use by another process. ` +
              `Stop it or choose another base port with KAFKA_CLUSTER_BASE_PORT`,
          );
        }
      }
    }

    const java = missing.length > 0 ? requireJava() : undefined;
    if (java) {
      await fetchKafka({ log });
      for (const node of missing) {
        prepareNode({
          paths: node.paths,
          java,
          log,
          properties: clusterNodeProperties(node, nodes),
          clusterId: layout.clusterId,
          formatArgs: [],
        });
      }
      log(
        `starting ${missing.length === nodes.length ? "" : `${missing.length} of `}${nodes.length} Kafka ${kafkaVersion} nodes (${missing.map((n) => n.id).join(",")}) at ${brokers} ...`,
      );
    }
    const startedAt = Date.now();
    // Started together: a node only finishes starting once a quorum of
    // controllers is up. One failure stops the others' waiting.
    const cancel = { reason: undefined };
    const readiness = nodes.map(async (node) => {
      try {
        if (missing.includes(node)) {
          return await launchNode({
            paths: node.paths,
            java,
            port: node.port,
            heap: clusterNodeHeap,
            timeoutMs,
            log,
            label: `node ${node.id}`,
            cancel,
          });
        }
        const running = findRunningBroker(node.paths);
        if (!running) throw new KafkaToolError(`node ${node.id} exited while the cluster started`);
        if (!(await pingKafka(node.port))) {
          await waitUntilReady({
            paths: node.paths,
            pid: running.pid,
            port: node.port,
            timeoutMs,
            label: `node ${node.id}`,
            cancel,
          });
        }
        return running.pid;
      } catch (error) {
        cancel.reason ??= error;
        throw error;
      }
    });
    const results = await Promise.allSettled(readiness);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) {
      // Don't leave a partial cluster that the next call would take as running.
      await Promise.all(
        missing.map(async (node) => {
          const running = findRunningBroker(node.paths);
          if (running) await terminate(running.pid, { log, timeoutMs: 10_000 });
          fs.rmSync(node.paths.pidFile, { force: true });
        }),
      );
      throw failed.reason;
    }
    const pids = results.map((r) => (r.status === "fulfilled" ? r.value : undefined));
    if (missing.length > 0) {
      log(
        `cluster ready at ${brokers} after ${((Date.now() - startedAt) / 1000).toFixed(1)}s; logs: ${paths.clusterDir}/node-<id>/logs/`,
      );
    } else {
      log(`reusing running ${nodes.length}-node cluster at ${brokers}`);
    }
    return {
      brokers,
      started: missing.length > 0,
      nodes: nodes.map((node, index) => nodeInfo(node, pids[index])),
    };
  });
}

/** Stops every node of the local cluster (SIGTERM, SIGKILL after 30s). Keeps its data. */
export async function stopCluster({ log = defaultLog } = {}) {
  const paths = resolveClusterPaths();
  const layout = readLayout(paths);
  if (!layout) {
    log("no local cluster; nothing to stop");
    return { stopped: [] };
  }
  const running = clusterNodes(paths, layout)
    .map((node) => ({ node, running: findRunningBroker(node.paths) }))
    .filter((entry) => entry.running);
  if (running.length === 0) {
    log("no cluster node is running; nothing to stop");
    return { stopped: [] };
  }
  log(`stopping cluster nodes ${running.map((e) => e.node.id).join(",")} ...`);
  const startedAt = Date.now();
  await Promise.all(
    running.map(async ({ node, running: { pid } }) => {
      await terminate(pid, { log, timeoutMs: stopTimeoutMs });
      fs.rmSync(node.paths.pidFile, { force: true });
    }),
  );
  log(`cluster stopped after ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
  return { stopped: running.map(({ node, running: { pid } }) => nodeInfo(node, pid)) };
}

/** Each node's state: running (and whether it answers Kafka requests), paused or stopped. */
export async function clusterStatus() {
  const paths = resolveClusterPaths();
  const layout = currentLayout(paths);
  const nodes = clusterNodes(paths, layout);
  const states = await Promise.all(
    nodes.map(async (node) => {
      const running = findRunningBroker(node.paths);
      if (!running) return { ...nodeInfo(node, undefined), state: "stopped", responding: false };
      const paused = isPaused(running.pid);
      return {
        ...nodeInfo(node, running.pid),
        state: paused ? "paused" : "running",
        responding: !paused && (await pingKafka(node.port)),
      };
    }),
  );
  return {
    exists: Boolean(layout.clusterId),
    brokers: bootstrapList(nodes),
    running: states.filter((s) => s.state === "running").length,
    nodes: states,
  };
}

/** Stops the local cluster and deletes all its data. Keeps the fetched jars. */
export async function resetCluster({ log = defaultLog } = {}) {
  await stopCluster({ log });
  const paths = resolveClusterPaths();
  deleteClusterData(paths);
  log(`deleted the cluster data in ${paths.clusterDir}`);
}

// Everything but the lock, which a caller may be holding.
function deleteClusterData(paths) {
  for (const entry of fs.readdirSync(paths.clusterDir, {
    withFileTypes: true,
    throwIfNoEntry: false,
  }) ?? []) {
    const file = path.join(paths.clusterDir, entry.name);
    if (file !== paths.lockDir) fs.rmSync(file, { recursive: true, force: true });
  }
}

/** Restarts a cluster node on its existing data and waits until it is ready. */
export async function startNode(id, { log = defaultLog, timeoutMs = clusterStartTimeoutMs } = {}) {
  const paths = resolveClusterPaths();
  return withStartLock(paths.lockDir, "the cluster", log, async () => {
    const { node, nodes } = requireNode(paths, id);
    const running = findRunningBroker(node.paths);
    if (running) {
      if (isPaused(running.pid)) {
        throw new KafkaToolError(
          `node ${node.id} (pid ${running.pid}) is paused; resume it instead`,
        );
      }
      log(`node ${node.id} is already running (pid ${running.pid})`);
      return { ...nodeInfo(node, running.pid), started: false };
    }
    const java = requireJava();
    prepareNode({
      paths: node.paths,
      java,
      log,
      properties: clusterNodeProperties(node, nodes),
      clusterId: requireLayout(paths).clusterId,
      formatArgs: [],
    });
    log(`starting node ${node.id} on ${host}:${node.port} ...`);
    const startedAt = Date.now();
    const pid = await launchNode({
      paths: node.paths,
      java,
      port: node.port,
      heap: clusterNodeHeap,
      timeoutMs,
      log,
      label: `node ${node.id}`,
    });
    log(
      `node ${node.id} ready (pid ${pid}) after ${((Date.now() - startedAt) / 1000).toFixed(1)}s`,
    );
    return { ...nodeInfo(node, pid), started: true };
  });
}

/** Stops a cluster node cleanly (SIGTERM: controlled shutdown, leadership moves first). */
export async function stopNode(id, { log = defaultLog } = {}) {
  const { node, running } = runningNode(id);
  log(`stopping node ${node.id} (pid ${running.pid}) ...`);
  await terminate(running.pid, { log, timeoutMs: stopTimeoutMs });
  fs.rmSync(node.paths.pidFile, { force: true });
  return nodeInfo(node, running.pid);
}

/** Kills a cluster node with SIGKILL (a crash: no controlled shutdown, log recovery on restart). */
export async function killNode(id, { log = defaultLog } = {}) {
  const { node, running } = runningNode(id);
  log(`killing node ${node.id} (pid ${running.pid}) with SIGKILL`);
  signal(running.pid, "SIGKILL");
  const deadline = Date.now() + 10_000;
  while (isAlive(running.pid) && Date.now() < deadline) await sleep(50);
  fs.rmSync(node.paths.pidFile, { force: true });
  return nodeInfo(node, running.pid);
}

/** Freezes a cluster node with SIGSTOP (a hung process: sockets stay open, nothing answers). */
export async function pauseNode(id, { log = defaultLog } = {}) {
  const { node, running } = runningNode(id);
  log(`pausing node ${node.id} (pid ${running.pid}) with SIGSTOP`);
  signal(running.pid, "SIGSTOP");
  return nodeInfo(node, running.pid);
}

/** Resumes a node paused by pauseNode (SIGCONT). */
export async function resumeNode(id, { log = defaultLog } = {}) {
  const { node, running } = runningNode(id);
  log(`resuming node ${node.id} (pid ${running.pid}) with SIGCONT`);
  signal(running.pid, "SIGCONT");
  return nodeInfo(node, running.pid);
}

function runningNode(id) {
  const paths = resolveClusterPaths();
  const { node } = requireNode(paths, id);
  const running = findRunningBroker(node.paths);
  if (!running) throw new KafkaToolError(`node ${node.id} is not running`);
  return { node, running };
}

// ---------------------------------------------------------------------------
// process helpers

function findRunningBroker(paths) {
  const pid = Number(readText(paths.pidFile));
  if (!pid) return undefined;
  if (!isOurBroker(pid, paths)) {
    fs.rmSync(paths.pidFile, { force: true }); // stale: the broker died or was killed
    return undefined;
  }
  const listeners = readText(paths.propertiesFile).match(/^listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m);
  return { pid, port: listeners ? Number(listeners[1]) : defaultPort };
}

// A pid file can outlive its process and the pid can be reused by something
// else, so check the command line before trusting (or killing) it.
function isOurBroker(pid, paths) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== "EPERM") return false;
  }
  let commandLine;
  try {
    // Zombies have an empty cmdline, so an exited-but-unreaped broker reads as gone.
    commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    const ps = spawnSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" });
    commandLine = ps.status === 0 ? ps.stdout : "";
  }
  return commandLine.includes("kafka.Kafka") && commandLine.includes(paths.propertiesFile);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return !readText(`/proc/${pid}/stat`).match(/^\d+ \(.*\) Z/);
  } catch (error) {
    return error.code === "EPERM";
  }
}

async function terminate(pid, { log, timeoutMs }) {
  // SIGTERM makes Kafka shut down cleanly (flushes logs, no recovery next start).
  signal(pid, "SIGTERM");
  // A paused (SIGSTOPped) node would hold the SIGTERM until resumed.
  signal(pid, "SIGCONT");
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      log(`broker (pid ${pid}) did not exit within ${timeoutMs / 1000}s; sending SIGKILL`);
      signal(pid, "SIGKILL");
      await sleep(500);
      return;
    }
    await sleep(200);
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (error.code !== "ESRCH") throw error;
  }
}

async function withStartLock(lockDir, what, log, fn) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const ownerFile = path.join(lockDir, "owner");
  const deadline = Date.now() + lockTimeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(ownerFile, `${process.pid}\n`);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    const owner = Number(readText(ownerFile));
    const ageMs =
      Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    // A lock whose owner died (or died before writing its pid) must not block forever.
    if ((owner && !isAlive(owner)) || (!owner && ageMs > 10_000)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new KafkaToolError(
        `timed out waiting for another start (pid ${owner || "?"}) holding ${lockDir}`,
      );
    }
    if (!announced) log(`another process (pid ${owner || "?"}) is starting ${what}; waiting ...`);
    announced = true;
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * An ApiVersions v0 request, which every Kafka version understands; its answer
 * starts with size (4), `correlationId` (4) and an error code (2). Also used by
 * deploy/systemd/wait-ready.mjs.
 */
export function apiVersionsRequest(correlationId, clientName) {
  const clientId = Buffer.from(clientName);
  const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  let offset = request.writeInt32BE(request.length - 4, 0);
  offset = request.writeInt16BE(18, offset); // api key: ApiVersions
  offset = request.writeInt16BE(0, offset); // api version
  offset = request.writeInt32BE(correlationId, offset);
  offset = request.writeInt16BE(clientId.length, offset);
  clientId.copy(request, offset);
  return request;
}

// Sends an ApiVersions request and checks for a matching error-free response:
// proof that a Kafka broker, not just any TCP listener, is answering.
function pingKafka(port, timeoutMs = 2000) {
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  const request = apiVersionsRequest(correlationId, "tweetream-kafka-tool");

  return new Promise((resolve) => {
    let response = Buffer.alloc(0);
    const socket = net.connect({ host, port });
    const finish = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on("error", () => finish(false));
    socket.on("close", () => finish(false));
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => {
      response = Buffer.concat([response, chunk]);
      // size (4) + correlation id (4) + error code (2)
      if (response.length >= 10)
        finish(response.readInt32BE(4) === correlationId && response.readInt16BE(8) === 0);
    });
  });
}

function canConnect(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on("connect", () => finish(true));
    socket.on("error", () => finish(false));
  });
}

function requireJava() {
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
  const fix =
    "Install a JDK 17+ (e.g. `apt-get install openjdk-17-jdk-headless`) or set KAFKA_BROKERS to use an existing broker";
  const result = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new KafkaToolError(`\`${java}\` not found or not working. ${fix}`);
  }
  // `java -version` prints e.g. 'openjdk version "17.0.15"' or '"1.8.0_392"' to stderr.
  const version = `${result.stderr}${result.stdout}`.match(/version "(\d+)(?:\.(\d+))?/);
  const major = version ? (version[1] === "1" ? Number(version[2]) : Number(version[1])) : 0;
  if (major < 17) {
    throw new KafkaToolError(
      `Kafka ${kafkaVersion} needs Java 17+, but \`${java}\` is Java ${major || "?"}. ${fix}`,
    );
  }
  return java;
}

function requireCommand(command, args, fix) {
  const result = spawnSync(command, args, { stdio: "ignore" });
  if (result.error || result.status !== 0) {
    throw new KafkaToolError(
      `\`${command}\` not found or not working. ${fix}, or set KAFKA_BROKERS to use an existing broker`,
    );
  }
}

// mvn's output goes to stderr so stdout stays reserved for the broker address.
// Maven 3.8 prints bare ANSI resets even with -B -q; they are dropped.
function runMaven(args) {
  return new Promise((resolve, reject) => {
    const child = spawn("mvn", args, { stdio: ["ignore", "pipe", "pipe"] });
    const forward = (chunk) => {
      const text = chunk.toString().replaceAll("\x1b[0m", "");
      if (text) process.stderr.write(text);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", reject);
    child.on("close", (code, signalName) => resolve(code ?? signalName));
  });
}

function readText(file) {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

function readFrom(file, offset) {
  let fd;
  try {
    fd = fs.openSync(file, "r");
    const { size } = fs.fstatSync(fd);
    // The log may have rolled over since the offset was taken.
    const start = offset <= size ? offset : 0;
    const buffer = Buffer.alloc(size - start);
    fs.readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function fileSize(file) {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------
// CLI

const usage = `usage: node tooling/kafka/kafka.mjs <command>

  fetch    download the Kafka ${kafkaVersion} jars with mvn (once)
  start    start the local broker, or reuse the running one; prints its address
  stop     stop the local broker
  status   print whether it is running and its address (exit 3 if not running)
  reset    stop the broker and delete its data

  cluster-start [--nodes N]   start a local N-node cluster (default ${defaultClusterNodes}), or reuse it; prints its bootstrap list
  cluster-stop                stop every node (keeps the data)
  cluster-status              each node's state (exit 3 unless all nodes run and answer)
  cluster-reset               stop the cluster and delete its data
  node-stop <id>              SIGTERM one node (clean shutdown)
  node-start <id>             restart one node on its data and wait until it is ready
  node-kill <id>              SIGKILL one node (crash)
  node-pause <id>             SIGSTOP one node (hang)
  node-resume <id>            SIGCONT a paused node

env: KAFKA_BROKERS, KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_CLUSTER_BASE_PORT, KAFKA_CLUSTER_DIR,
     TWEETREAM_CACHE_DIR`;

const nodeCommands = {
  "node-stop": stopNode,
  "node-start": startNode,
  "node-kill": killNode,
  "node-pause": pauseNode,
  "node-resume": resumeNode,
};

async function main(command, args) {
  if (Object.hasOwn(nodeCommands, command)) {
    if (!/^\d+$/.test(args[0] ?? "")) {
      process.stderr.write(`${command} needs a node id\n${usage}\n`);
      return 2;
    }
    await nodeCommands[command](Number(args[0]));
    return 0;
  }
  switch (command) {
    case "cluster-start": {
      const nodesFlag = args.indexOf("--nodes");
      const nodes = nodesFlag === -1 ? undefined : args[nodesFlag + 1];
      const { brokers } = await ensureCluster({ nodes });
      process.stdout.write(`${brokers}\n`);
      return 0;
    }
    case "cluster-stop":
      await stopCluster();
      return 0;
    case "cluster-status": {
      const status = await clusterStatus();
      if (!status.exists) process.stdout.write("no cluster made yet; it would be:\n");
      for (const node of status.nodes) {
        const pid = node.pid ? ` (pid ${node.pid})` : "";
        const note = node.state === "running" && !node.responding ? ", not answering yet" : "";
        process.stdout.write(
          `node ${node.id}: ${node.state}${pid} at ${host}:${node.port}, controller ${node.controllerPort}${note}\n`,
        );
      }
      process.stdout.write(`bootstrap: ${status.brokers}\n`);
      const healthy = status.nodes.every((n) => n.state === "running" && n.responding);
      return healthy ? 0 : 3;
    }
    case "cluster-reset":
      await resetCluster();
      return 0;
    case "fetch":
      await fetchKafka();
      return 0;
    case "start": {
      const { brokers } = await ensureBroker();
      process.stdout.write(`${brokers}\n`);
      return 0;
    }
    case "stop":
      await stopBroker();
      return 0;
    case "status": {
      const status = await brokerStatus();
      if (status.external) {
        process.stdout.write(`external (KAFKA_BROKERS): ${status.brokers}\n`);
      } else if (status.running) {
        const note = status.responding ? "" : " (not answering Kafka requests yet)";
        process.stdout.write(`running (pid ${status.pid}) at ${status.brokers}${note}\n`);
      } else {
        process.stdout.write(`not running (would listen on ${status.brokers})\n`);
      }
      return status.running ? 0 : 3;
    }
    case "reset":
      await resetBroker();
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${usage}\n`);
      return command ? 0 : 2;
    default:
      process.stderr.write(`unknown command "${command}"\n${usage}\n`);
      return 2;
  }
}

const invokedDirectly =
  process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv[2], process.argv.slice(3)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(
        `[kafka] error: ${error instanceof KafkaToolError ? error.message : error.stack}\n`,
      );
      process.exitCode = 1;
    },
  );
}
