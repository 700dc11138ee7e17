// Vitest global setup: makes sure a real Kafka broker is reachable before any
// test runs (the brokers in KAFKA_BROKERS, else the local dev broker, started
// if needed) and hands its address to tests through `inject("kafkaBrokers")`.
// A broker started here is stopped when the whole run ends.
import type { TestProject } from "vitest/node";
import { ensureBroker, stopBroker } from "../kafka/broker.ts";

export default async function setup(project: TestProject) {
  const broker = await ensureBroker();
  project.provide("kafkaBrokers", broker.brokers);
  return async () => {
    if (broker.started) await stopBroker();
  };
}
