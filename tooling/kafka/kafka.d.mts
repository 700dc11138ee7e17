// Types for kafka.mjs (plain ESM so it runs before `npm ci`).

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
  port?: number;
  controllerPort?: number;
  timeoutMs?: number;
  log?: (message: string) => void;
}

export const kafkaVersion: string;
export class KafkaToolError extends Error {}
export function fetchKafka(options?: { log?: (message: string) => void }): Promise<unknown>;
export function ensureBroker(options?: BrokerOptions): Promise<BrokerInfo>;
export function stopBroker(options?: { log?: (message: string) => void }): Promise<unknown>;
/** An ApiVersions v0 request (every Kafka version answers it). */
export function apiVersionsRequest(correlationId: number, clientName: string): Buffer;
export function brokerStatus(): Promise<unknown>;
export function resetBroker(options?: { log?: (message: string) => void }): Promise<unknown>;

export interface ClusterOptions {
  /** Number of combined broker+controller nodes (default 3, at most 9). */
  nodes?: number;
  /** Client port of node 1 (default KAFKA_CLUSTER_BASE_PORT, else 19092); node i uses base+2(i-1), its controller the next port. */
  basePort?: number;
  /** How long to wait for the nodes to be ready (default 120 s). */
  timeoutMs?: number;
  log?: (message: string) => void;
}

export interface ClusterNode {
  /** Kafka node.id, 1..nodes. */
  id: number;
  /** Client (PLAINTEXT) port on 127.0.0.1. */
  port: number;
  controllerPort: number;
  /** JVM pid; undefined when the node is not running. */
  pid: number | undefined;
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

type LogOption = { log?: (message: string) => void };

export function ensureCluster(options?: ClusterOptions): Promise<ClusterInfo>;
export function stopCluster(options?: LogOption): Promise<{ stopped: ClusterNode[] }>;
export function clusterStatus(): Promise<ClusterStatus>;
export function resetCluster(options?: LogOption): Promise<void>;
export function startNode(
  id: number,
  options?: LogOption & { timeoutMs?: number },
): Promise<ClusterNode & { started: boolean }>;
export function stopNode(id: number, options?: LogOption): Promise<ClusterNode>;
export function killNode(id: number, options?: LogOption): Promise<ClusterNode>;
export function pauseNode(id: number, options?: LogOption): Promise<ClusterNode>;
export function resumeNode(id: number, options?: LogOption): Promise<ClusterNode>;
