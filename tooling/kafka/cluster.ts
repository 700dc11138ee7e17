// The local multi-node cluster: N combined broker+controller JVMs on 127.0.0.1
// with a static controller quorum (controller.quorum.voters), so nodes can be
// stopped, killed or paused one at a time (node-control.ts). Always local:
// KAFKA_BROKERS is ignored here, since fault injection needs processes this
// tool owns.
import fs from "node:fs";
import path from "node:path";
import {
  bootstrapList,
  clusterNodeProperties,
  clusterNodes,
  clusterOptions,
  clusterPaths,
  currentLayout,
  nodeInfo,
  readLayout,
  type ClusterNode,
  type ClusterPaths,
  type LayoutNode,
} from "./cluster-layout.ts";
import { fetchKafka, kafkaVersion, requireJava } from "./jars.ts";
import {
  findRunningBroker,
  launchNode,
  newClusterId,
  prepareNode,
  waitUntilReady,
} from "./kraft-node.ts";
import { isPaused, stopTimeoutMs, terminate, withStartLock } from "./processes.ts";
import { canConnect, pingKafka } from "./protocol.ts";
import { KafkaToolError, defaultLog, elapsed, host, type Log, type LogOption } from "./shared.ts";

export type { ClusterNode } from "./cluster-layout.ts";

// Several JVMs booting at once on a small machine take longer than one.
export const clusterStartTimeoutMs = 120_000;
const clusterNodeHeap = ["-Xms128m", "-Xmx384m"];

export interface ClusterOptions {
  /** Number of combined broker+controller nodes (default 3, at most 9); a string is read as a number. */
  nodes?: number | string;
  /** Client port of node 1 (default KAFKA_CLUSTER_BASE_PORT, else 19092); node i uses base+2(i-1), its controller the next port. */
  basePort?: number;
  /** How long to wait for the nodes to be ready (default 120 s). */
  timeoutMs?: number;
  log?: Log;
}

export interface ClusterInfo {
  /** Bootstrap list of every node, e.g. 127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096. */
  brokers: string;
  /** True when this call started at least one node. */
  started: boolean;
  nodes: ClusterNode[];
}

export interface ClusterNodeStatus extends ClusterNode {
  state: "running" | "paused" | "stopped";
  /** True when the node answers a Kafka ApiVersions request. */
  responding: boolean;
}

export interface ClusterStatus {
  /** False when no cluster was made in this cache dir yet (nodes then show the default layout). */
  exists: boolean;
  brokers: string;
  /** Number of nodes in state "running". */
  running: number;
  nodes: ClusterNodeStatus[];
}

/**
 * Makes sure a local N-node cluster runs and returns its bootstrap list.
 * Reuses running nodes, starts missing ones (formatting new ones first), and
 * waits until every node logged that it started and answers ApiVersions.
 */
export async function ensureCluster(opts: ClusterOptions = {}): Promise<ClusterInfo> {
  const log = opts.log ?? defaultLog;
  const wanted = clusterOptions(opts);
  const timeoutMs = opts.timeoutMs ?? clusterStartTimeoutMs;
  const paths = clusterPaths();

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
    const { clusterId } = layout;
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
        prepareClusterNode(node, nodes, { java, log, clusterId });
      }
      log(
        `starting ${missing.length === nodes.length ? "" : `${missing.length} of `}${nodes.length} Kafka ${kafkaVersion} nodes (${missing.map((n) => n.id).join(",")}) at ${brokers} ...`,
      );
    }
    const startedAt = Date.now();
    // Started together: a node only finishes starting once a quorum of
    // controllers is up. One failure stops the others' waiting.
    const cancel: { reason: Error | undefined } = { reason: undefined };
    const readiness = nodes.map(async (node) => {
      try {
        if (java && missing.includes(node)) {
          return await launchClusterNode(node, { java, timeoutMs, log, cancel });
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
        cancel.reason ??= error instanceof Error ? error : new KafkaToolError(String(error));
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
        `cluster ready at ${brokers} after ${elapsed(startedAt)}; logs: ${paths.clusterDir}/node-<id>/logs/`,
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

/** Writes a cluster node's config and formats its storage the first time (static quorum: no format flags). */
export function prepareClusterNode(
  node: LayoutNode,
  nodes: LayoutNode[],
  options: { java: string; log: Log; clusterId: string },
): void {
  prepareNode({
    ...options,
    paths: node.paths,
    properties: clusterNodeProperties(node, nodes),
    formatArgs: [],
  });
}

/** Spawns a cluster node and waits until it is ready; see launchNode. */
export function launchClusterNode(
  node: LayoutNode,
  options: { java: string; timeoutMs: number; log: Log; cancel?: { reason: Error | undefined } },
): Promise<number> {
  return launchNode({
    ...options,
    paths: node.paths,
    port: node.port,
    heap: clusterNodeHeap,
    label: `node ${node.id}`,
  });
}

/** Stops every node of the local cluster (SIGTERM, SIGKILL after 30s). Keeps its data. */
export async function stopCluster({ log = defaultLog }: LogOption = {}): Promise<{
  stopped: ClusterNode[];
}> {
  const paths = clusterPaths();
  const layout = readLayout(paths);
  if (!layout) {
    log("no local cluster; nothing to stop");
    return { stopped: [] };
  }
  const running = clusterNodes(paths, layout).flatMap((node) => {
    const found = findRunningBroker(node.paths);
    return found ? [{ node, pid: found.pid }] : [];
  });
  if (running.length === 0) {
    log("no cluster node is running; nothing to stop");
    return { stopped: [] };
  }
  log(`stopping cluster nodes ${running.map((e) => e.node.id).join(",")} ...`);
  const startedAt = Date.now();
  await Promise.all(
    running.map(async ({ node, pid }) => {
      await terminate(pid, { log, timeoutMs: stopTimeoutMs });
      fs.rmSync(node.paths.pidFile, { force: true });
    }),
  );
  log(`cluster stopped after ${elapsed(startedAt)}`);
  return { stopped: running.map(({ node, pid }) => nodeInfo(node, pid)) };
}

/** Each node's state: running (and whether it answers Kafka requests), paused or stopped. */
export async function clusterStatus(): Promise<ClusterStatus> {
  const paths = clusterPaths();
  const layout = currentLayout(paths);
  const nodes = clusterNodes(paths, layout);
  const states = await Promise.all(
    nodes.map(async (node): Promise<ClusterNodeStatus> => {
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
export async function resetCluster({ log = defaultLog }: LogOption = {}): Promise<void> {
  await stopCluster({ log });
  const paths = clusterPaths();
  deleteClusterData(paths);
  log(`deleted the cluster data in ${paths.clusterDir}`);
}

// Everything but the lock, which a caller may be holding.
function deleteClusterData(paths: ClusterPaths): void {
  const entries = fs.existsSync(paths.clusterDir)
    ? fs.readdirSync(paths.clusterDir, { withFileTypes: true })
    : [];
  for (const entry of entries) {
    const file = path.join(paths.clusterDir, entry.name);
    if (file !== paths.lockDir) fs.rmSync(file, { recursive: true, force: true });
  }
}
