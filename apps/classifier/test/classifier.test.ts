// The classifier in-process, against the real broker.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "@tweetream/shared";
import { readinessOf } from "@tweetream/shared/testing";
import { loadClassifierEnv, startClassifier, type Classifier } from "../src/index.ts";

let service: Classifier;

beforeAll(async () => {
  const env = loadClassifierEnv({
    KAFKA_BROKERS: inject("kafkaBrokers"),
    CLASSIFIER_HEALTH_PORT: "0",
  });
  service = await startClassifier({ env, logger: createLogger("classifier-test", "warn") });
});

afterAll(async () => {
  await service.stop();
});

describe("classifier", () => {
  it("reports ready once connected to Kafka", async () => {
    expect(await readinessOf(service.healthPort)).toEqual({
      status: 200,
      body: { ok: true, checks: { kafka: "ok" } },
    });
  });

  it("stops idempotently", async () => {
    await service.stop();
    await service.stop();
  });
});
