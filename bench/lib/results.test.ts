import { describe, expect, it } from "vitest";
import { RunResults } from "./results.ts";

const latency = { count: 10, p50: 5, p95: 9, p99: 12, max: 13, mean: 6 };

/** A step as results from before warm-ups, repeats and hops wrote it. */
const oldStep = {
  targetRate: 100,
  durationS: 60,
  generated: 6000,
  published: 6000,
  achievedRate: 100,
  expectedDeliveries: 10,
  deliveries: 10,
  missing: 0,
  duplicates: 0,
  subscribers: 2,
  latencyMs: latency,
  consumerLagMax: 0,
  consumerLagSeconds: 0,
  drainS: 0.5,
  processes: { web: { cpuCores: 0.2, cpuSeconds: 12, rssMaxBytes: 1, rssEndBytes: 1 } },
  subscriptionErrors: 0,
  firstError: null,
  sustained: true,
};

const oldLevel = (step: typeof oldStep | null) => ({
  subscribers: 2,
  connected: step ? 2 : 0,
  failedToConnect: 0,
  connectSeconds: 1,
  step,
  idleRssBytes: 1,
});

/** The shape of a results file written before --repeat, --durations and --warmup-seconds. */
const oldResults = {
  schemaVersion: 1,
  startedAt: "2026-11-27T01:11:00.000Z",
  finishedAt: "2026-11-27T02:11:00.000Z",
  commit: "96c7e778ce68",
  dirty: false,
  command: "npm run bench --",
  settings: {
    scenarios: ["latency", "fanout", "stock-fanout"],
    quick: false,
    durationS: 60,
    rates: [500],
    latencyRates: [100],
    subscribers: [2],
    originalSubscribers: [2],
    adminClients: [1],
    adminIterations: 3,
    fanoutRate: 100,
    loadProcesses: 2,
    drainS: 30,
    topics: [],
  },
  machine: {
    os: "Linux",
    release: "6",
    arch: "x64",
    cpuModel: "cpu",
    cpus: 2,
    memoryBytes: 1,
    loadAverageAtStart: [0],
    node: "v20",
    kafka: "4.4.0",
    kafkaBrokers: "127.0.0.1:9092",
    brokerStartedByBench: true,
  },
  scenarios: {
    latency: { status: "ok", seconds: 1, steps: [{ ...oldStep, label: "100/s" }] },
    fanout: {
      status: "ok",
      seconds: 1,
      rate: 100,
      topics: 20,
      topicSet: "narrow",
      levels: [oldLevel(oldStep), { ...oldLevel(null), skipped: "open files" }],
    },
    "stock-fanout": {
      status: "ok",
      seconds: 1,
      rate: 100,
      topics: 20,
      topicSet: "narrow",
      versions: {},
      levels: [
        {
          subscribers: 2,
          tweetream: { ...oldLevel(oldStep), framesPerSecond: 1, cpuUsPerFrame: 1 },
          stock: { ...oldLevel(oldStep), framesPerSecond: 1, cpuUsPerFrame: 2 },
          ratios: { p99: 1, cpuPerFrame: 2 },
        },
      ],
    },
  },
};

describe("RunResults", () => {
  it("reads results from before repeats: a level's one step becomes its only run", () => {
    const results = RunResults.parse(oldResults);
    const [measured, skipped] = results.scenarios.fanout?.levels ?? [];
    expect(measured?.steps).toHaveLength(1);
    expect(measured?.steps[0]?.warmupS).toBe(0);
    expect(measured?.steps[0]?.warmupLatencyMs).toBeUndefined();
    expect(skipped?.steps).toEqual([]);
    expect(results.scenarios["stock-fanout"]?.levels[0]?.stock.steps).toHaveLength(1);
    expect(results.scenarios.latency?.steps[0]?.repeat).toBeUndefined();
    expect(results.settings.repeat).toBeUndefined();
  });
});
