// Fault injection on single nodes of the local cluster: a clean stop, a
// restart on its data, a crash (SIGKILL), a hang (SIGSTOP) and its end (SIGCONT).
import fs from "node:fs";
import { clusterStartTimeoutMs, launchClusterNode, prepareClusterNode } from "./cluster.ts";
import {
  clusterPaths,
  nodeInfo,
  requireLayout,
  requireNode,
  type ClusterNode,
} from "./cluster-layout.ts";
import { requireJava } from "./jars.ts";
import { findRunningBroker } from "./kraft-node.ts";
import { isAlive, isPaused, signal, stopTimeoutMs, terminate, withStartLock } from "./processes.ts";
import { KafkaToolError, defaultLog, elapsed, host, sleep, type LogOption } from "./shared.ts";

/** Restarts a cluster node on its existing data and waits until it is ready (default 120 s). */
export async function startNode(
  id: number,
  { log = defaultLog, timeoutMs = clusterStartTimeoutMs }: LogOption & { timeoutMs?: number } = {},
): Promise<ClusterNode & { started: boolean }> {
  const paths = clusterPaths();
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
    prepareClusterNode(node, nodes, { java, log, clusterId: requireLayout(paths).clusterId });
    log(`starting node ${node.id} on ${host}:${node.port} ...`);
    const startedAt = Date.now();
    const pid = await launchClusterNode(node, { java, timeoutMs, log });
    log(`node ${node.id} ready (pid ${pid}) after ${elapsed(startedAt)}`);
    return { ...nodeInfo(node, pid), started: true };
  });
}

/** Stops a cluster node cleanly (SIGTERM: controlled shutdown, leadership moves first). */
export async function stopNode(id: number, { log = defaultLog }: LogOption = {}) {
  const { node, pid } = runningNode(id);
  log(`stopping node ${node.id} (pid ${pid}) ...`);
  await terminate(pid, { log, timeoutMs: stopTimeoutMs });
  fs.rmSync(node.paths.pidFile, { force: true });
  return nodeInfo(node, pid);
}

/** Kills a cluster node with SIGKILL (a crash: no controlled shutdown, log recovery on restart). */
export async function killNode(id: number, { log = defaultLog }: LogOption = {}) {
  const { node, pid } = runningNode(id);
  log(`killing node ${node.id} (pid ${pid}) with SIGKILL`);
  signal(pid, "SIGKILL");
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  fs.rmSync(node.paths.pidFile, { force: true });
  return nodeInfo(node, pid);
}

/** Freezes a cluster node with SIGSTOP (a hung process: sockets stay open, nothing answers). */
export function pauseNode(id: number, options: LogOption = {}): Promise<ClusterNode> {
  return sendSignal(id, "SIGSTOP", "pausing", options);
}

/** Resumes a node paused by pauseNode (SIGCONT). */
export function resumeNode(id: number, options: LogOption = {}): Promise<ClusterNode> {
  return sendSignal(id, "SIGCONT", "resuming", options);
}

// A promise like the other node commands: a node that is not running rejects it.
function sendSignal(
  id: number,
  name: NodeJS.Signals,
  verb: string,
  { log = defaultLog }: LogOption,
): Promise<ClusterNode> {
  return new Promise((resolve) => {
    const { node, pid } = runningNode(id);
    log(`${verb} node ${node.id} (pid ${pid}) with ${name}`);
    signal(pid, name);
    resolve(nodeInfo(node, pid));
  });
}

function runningNode(id: number) {
  const { node } = requireNode(clusterPaths(), id);
  const running = findRunningBroker(node.paths);
  if (!running) throw new KafkaToolError(`node ${node.id} is not running`);
  return { node, pid: running.pid };
}
