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
export function brokerStatus(): Promise<unknown>;
export function resetBroker(options?: { log?: (message: string) => void }): Promise<unknown>;
