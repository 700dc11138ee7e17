// The streamer in-process, against the real broker.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "@tweetream/shared";
import { readinessOf } from "@tweetream/shared/testing";
import { loadStreamerEnv, startStreamer, type Streamer } from "../src/index.ts";

let service: Streamer;

beforeAll(async () => {
  const env = loadStreamerEnv({ KAFKA_BROKERS: inject("kafkaBrokers"), STREAMER_HEALTH_PORT: "0" });
  service = await startStreamer({ env, logger: createLogger("streamer-test", "warn") });
});

afterAll(async () => {
  await service.stop();
});

describe("streamer", () => {
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
