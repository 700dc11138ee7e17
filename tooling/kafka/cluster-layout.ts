// The shape of the local multi-node cluster: where its nodes live, which ports
// they use, and the cluster.json that records what the node dirs were made for.
import path from "node:path";
import { clusterBasePort, clusterDir } from "./env.ts";
import { installPaths } from "./jars.ts";
import { nodePaths, replicationSettings, serverProperties, type NodePaths } from "./kraft-node.ts";
import { KafkaToolError, host, readText } from "./shared.ts";

export const defaultClusterNodes = 3;
const maxClusterNodes = 9;

export interface ClusterNode {
  /** Kafka node.id, 1..nodes. */
  id: number;
  /** Client (PLAINTEXT) port on 127.0.0.1. */
  port: number;
  controllerPort: number;
  /** JVM pid; undefined when the node is not running. */
  pid: number | undefined;
}

/** Node count, base port and cluster id the node dirs were formatted for. */
export interface Layout {
  clusterId: string;
  nodes: number;
  basePort: number;
}

export interface LayoutNode {
  id: number;
  port: number;
  controllerPort: number;
  paths: NodePaths;
}

export type ClusterPaths = ReturnType<typeof clusterPaths>;

export function clusterPaths() {
  const install = installPaths();
  const dir = clusterDir(install.cacheDir);
  return {
    ...install,
    clusterDir: dir,
    layoutFile: path.join(dir, "cluster.json"),
    lockDir: path.join(dir, ".start.lock"),
    node: (id: number) => nodePaths(install, path.join(dir, `node-${id}`)),
  };
}

/** Node count (default 3, 1 to 9; a string from the command line is read as a number) and base port. */
export function clusterOptions(opts: { nodes?: number | string; basePort?: number } = {}) {
  const nodes = Number(opts.nodes ?? defaultClusterNodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > maxClusterNodes) {
    throw new KafkaToolError(
      `nodes must be a whole number from 1 to ${maxClusterNodes}, got "${String(opts.nodes)}"`,
    );
  }
  const basePort = clusterBasePort(opts.basePort);
  if (basePort + 2 * nodes - 1 > 65535) {
    throw new KafkaToolError(`a ${nodes}-node cluster does not fit above port ${basePort}`);
  }
  return { nodes, basePort };
}

function isLayout(value: unknown): value is Layout {
  return (
    typeof value === "object" &&
    value !== null &&
    "clusterId" in value &&
    typeof value.clusterId === "string" &&
    "nodes" in value &&
    typeof value.nodes === "number" &&
    value.nodes > 0 &&
    "basePort" in value &&
    typeof value.basePort === "number" &&
    value.basePort > 0
  );
}

/** The layout recorded in cluster.json, or undefined when no cluster was made here yet. */
export function readLayout(paths: ClusterPaths): Layout | undefined {
  try {
    const layout: unknown = JSON.parse(readText(paths.layoutFile));
    if (isLayout(layout)) return layout;
  } catch {
    // missing or unreadable: no cluster was made here yet
  }
  return undefined;
}

// The cluster as this module last made it, or as the options would make it.
export function currentLayout(paths: ClusterPaths): Layout {
  return readLayout(paths) ?? { clusterId: "", ...clusterOptions() };
}

export function requireLayout(paths: ClusterPaths): Layout {
  const layout = readLayout(paths);
  if (!layout) {
    throw new KafkaToolError(
      `no local cluster in ${paths.clusterDir}; start one with \`cluster-start\` (ensureCluster())`,
    );
  }
  return layout;
}

export function clusterNodes(
  paths: ClusterPaths,
  { nodes, basePort }: { nodes: number; basePort: number },
): LayoutNode[] {
  return Array.from({ length: nodes }, (_, index) => ({
    id: index + 1,
    port: basePort + 2 * index,
    controllerPort: basePort + 2 * index + 1,
    paths: paths.node(index + 1),
  }));
}

/** Node `id` of the recorded cluster, and all its nodes. */
export function requireNode(paths: ClusterPaths, id: number) {
  const layout = requireLayout(paths);
  const nodes = clusterNodes(paths, layout);
  const node = nodes.find((n) => n.id === id);
  if (!node) {
    throw new KafkaToolError(
      `no node ${id} in the ${layout.nodes}-node cluster (ids 1-${layout.nodes})`,
    );
  }
  return { node, nodes };
}

export function bootstrapList(nodes: LayoutNode[]): string {
  return nodes.map((node) => `${host}:${node.port}`).join(",");
}

export function nodeInfo(node: LayoutNode, pid: number | undefined): ClusterNode {
  return { id: node.id, port: node.port, controllerPort: node.controllerPort, pid };
}

export function clusterNodeProperties(node: LayoutNode, nodes: LayoutNode[]): string {
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
