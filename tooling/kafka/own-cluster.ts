// A local Kafka cluster (tooling/kafka cluster mode) in its own temporary
// directory and on free loopback ports, so that it never meets another run's
// cluster; the jars come from the shared cache. Used by the cluster test and by
// the fault harness's single-broker scenario.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureCluster, stopCluster, type ClusterInfo } from "./cluster.ts";

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => {
      resolve(false);
    });
    server.listen(port, "127.0.0.1", () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** The first base port from `from` whose block of 2 × `nodes` ports is free (node i: base + 2(i-1) and the next). */
async function freeBasePort(nodes: number, from: number): Promise<number> {
  const size = 2 * nodes;
  for (let base = from; base < from + 100 * size; base += size) {
    const ports = Array.from({ length: size }, (_, i) => base + i);
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base;
  }
  throw new Error(`no ${String(size)} free ports from ${String(from)} for a local Kafka cluster`);
}

export interface OwnCluster {
  cluster: ClusterInfo;
  /** Stops the nodes, deletes the directory and restores KAFKA_CLUSTER_DIR. */
  remove: () => Promise<void>;
}

/**
 * Starts `nodes` nodes from port `fromPort` (or the next free block). Sets
 * KAFKA_CLUSTER_DIR for this process until `remove`, because tooling/kafka reads it
 * at call time: its node functions (killNode, stopNode, ...) then act on this
 * cluster.
 */
export async function startOwnCluster({
  nodes,
  fromPort,
  log,
}: {
  nodes: number;
  fromPort: number;
  log: (message: string) => void;
}): Promise<OwnCluster> {
  const saved = process.env.KAFKA_CLUSTER_DIR;
  const dir = mkdtempSync(path.join(tmpdir(), "tweetream-cluster-"));
  process.env.KAFKA_CLUSTER_DIR = dir;
  const remove = async () => {
    try {
      await stopCluster({ log });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (saved === undefined) delete process.env.KAFKA_CLUSTER_DIR;
      else process.env.KAFKA_CLUSTER_DIR = saved;
    }
  };
  try {
    const cluster = await ensureCluster({
      nodes,
      basePort: await freeBasePort(nodes, fromPort),
      log,
    });
    return { cluster, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
