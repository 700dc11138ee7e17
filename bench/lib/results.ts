// The results file every run writes (bench/results/<timestamp>-<commit>.json),
// as a zod schema: the harness validates what it writes, the smoke test and
// the docs generator validate what they read.
import { z } from "zod";

const Latency = z.object({
  count: z.int().nonnegative(),
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative(),
  mean: z.number().nonnegative(),
});

const ProcessFigures = z.object({
  cpuCores: z.number().nonnegative(),
  /** CPU seconds over the step (absent in results from before it was recorded). */
  cpuSeconds: z.number().nonnegative().optional(),
  rssMaxBytes: z.number().nonnegative(),
  rssEndBytes: z.number().nonnegative(),
  eventLoopP99MaxMs: z.number().nonnegative().optional(),
  eventLoopP99MeanMs: z.number().nonnegative().optional(),
  consumerLagMax: z.number().nonnegative().optional(),
});

/** Ingest → one stage, from a service's `tweetream_pipeline_latency_seconds` buckets (ms). */
const Hop = z.object({
  count: z.number().nonnegative(),
  p50: z.number().nonnegative().nullable(),
  p99: z.number().nonnegative().nullable(),
});

const Step = z.object({
  targetRate: z.number().positive(),
  /** Seconds of posts measured, after the warm-up. */
  durationS: z.number().positive(),
  /** Seconds of posts before them, the warm-up (0: none, as in results from before it existed). */
  warmupS: z.number().nonnegative().default(0),
  /** Which run of its step this is (1-based) when steps are repeated (`--repeat`). */
  repeat: z.int().positive().optional(),
  generated: z.int().nonnegative(),
  published: z.int().nonnegative(),
  achievedRate: z.number().nonnegative(),
  expectedDeliveries: z.int().nonnegative(),
  deliveries: z.int().nonnegative(),
  missing: z.int().nonnegative(),
  duplicates: z.int().nonnegative(),
  subscribers: z.int().nonnegative(),
  /** Ingest → receipt latency of the posts after the warm-up. */
  latencyMs: Latency,
  /** The same of the warm-up's posts (absent before warm-ups were kept apart). */
  warmupLatencyMs: Latency.optional(),
  /** Ingest → stage (classified, delivered) p50/p99 per stage, after the warm-up (absent before it was recorded). */
  hopsMs: z.record(z.string(), Hop).optional(),
  consumerLagMax: z.number().nonnegative(),
  consumerLagSeconds: z.number().nonnegative(),
  drainS: z.number(),
  processes: z.record(z.string(), ProcessFigures),
  subscriptionErrors: z.int().nonnegative(),
  firstError: z.string().nullable(),
  /** Subscriptions the web process ended as too slow (SUBSCRIBER_TOO_SLOW; before 2026-12: posts it dropped for them; null: not scraped). */
  slowSubscriberDrops: z.int().nonnegative().nullable().default(null),
  sustained: z.boolean(),
});
export type Step = z.infer<typeof Step>;

/** Common to every scenario: whether it ran, and why not. */
const Outcome = {
  status: z.enum(["ok", "failed", "skipped"]),
  /** Why it failed or was skipped. */
  reason: z.string().optional(),
  seconds: z.number().nonnegative(),
};

export const ThroughputResult = z.object({
  ...Outcome,
  steps: z.array(Step),
  /** Highest target rate sustained (0 when none was). */
  maxSustainedRate: z.number().nonnegative(),
  subscribersPerTopic: z.int().nonnegative(),
});

export const LatencyResult = z.object({
  ...Outcome,
  steps: z.array(Step.extend({ label: z.string() })),
});

const FanoutLevelFields = z.object({
  subscribers: z.int().nonnegative(),
  /** Step length of its runs, seconds (absent when nothing was measured). */
  durationS: z.number().positive().optional(),
  connected: z.int().nonnegative(),
  failedToConnect: z.int().nonnegative(),
  connectSeconds: z.number().nonnegative(),
  /** Every run of the level at this step length (`--repeat`), in order; empty when not measured. */
  steps: z.array(Step),
  /** Web server RSS with every subscriber connected, before posts flow. */
  idleRssBytes: z.number().nonnegative(),
  /** Why the level was not measured (e.g. the open-files limit), or what went wrong. */
  skipped: z.string().optional(),
  error: z.string().optional(),
});

/** A level of results from before `--repeat` had one `step` (null: not measured). */
function fromOneStep(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || "steps" in raw || !("step" in raw)) return raw;
  const { step, ...rest } = raw;
  if (step === null || step === undefined) return { ...rest, steps: [] };
  const durationS =
    typeof step === "object" && "durationS" in step ? { durationS: step.durationS } : {};
  return { ...durationS, ...rest, steps: [step] };
}

const FanoutLevel = z.preprocess(fromOneStep, FanoutLevelFields);

export const FanoutResult = z.object({
  ...Outcome,
  rate: z.number().positive(),
  topics: z.int().positive(),
  /** bench-topics.ts TOPIC_SETS; results before it existed used "broad". */
  topicSet: z.enum(["narrow", "broad"]).default("broad"),
  levels: z.array(FanoutLevel),
});

const OriginalLevel = z.object({
  subscribers: z.int().nonnegative(),
  tweetream: FanoutLevel,
  original: z.preprocess(
    fromOneStep,
    FanoutLevelFields.extend({
      /** Consumers that joined their group before posts were sent. */
      consumersJoined: z.int().nonnegative(),
      joinSeconds: z.number().nonnegative(),
    }),
  ),
  /** original ÷ Tweetream, for p99 latency, server CPU and server RSS. */
  ratios: z.object({
    p99: z.number().nullable(),
    cpu: z.number().nullable(),
    rss: z.number().nullable(),
    brokerCpu: z.number().nullable(),
  }),
});

export const OriginalFanoutResult = z.object({
  ...Outcome,
  rate: z.number().positive(),
  levels: z.array(OriginalLevel),
  /** What stopped the levels after the last one measured. */
  error: z.string().optional(),
});

/**
 * One server's side of a stock-fanout level: its fan-out level and what a
 * frame cost it, the median over its runs (step-figures.ts).
 */
const StockSide = z.preprocess(
  fromOneStep,
  FanoutLevelFields.extend({
    /** Frames (post × subscriber) received after the warm-up per second of the step's duration. */
    framesPerSecond: z.number().nonnegative(),
    /** The server's CPU time over the step ÷ frames received after the warm-up, in µs (null: nothing delivered). */
    cpuUsPerFrame: z.number().nonnegative().nullable(),
  }),
);

const StockLevel = z.object({
  subscribers: z.int().nonnegative(),
  /** Step length of the runs of both sides, seconds (absent when nothing was measured). */
  durationS: z.number().positive().optional(),
  tweetream: StockSide,
  stock: StockSide,
  /** stock ÷ Tweetream of the medians over the runs, for p99 latency and server CPU per frame. */
  ratios: z.object({ p99: z.number().nullable(), cpuPerFrame: z.number().nullable() }),
});

export const StockFanoutResult = z.object({
  ...Outcome,
  rate: z.number().positive(),
  topics: z.int().nonnegative(),
  topicSet: z.enum(["narrow", "broad"]),
  /** Versions of the stock stack's packages (graphql, graphql-ws, graphql-subscriptions, ...). */
  versions: z.record(z.string(), z.string()),
  levels: z.array(StockLevel),
  /** What stopped the levels after the last one measured. */
  error: z.string().optional(),
});

const AdminOp = z.object({
  latencyMs: Latency,
  ok: z.int(),
  errors: z.record(z.string(), z.int()),
});

export const TopicAdminResult = z.object({
  ...Outcome,
  backgroundRate: z.number().nonnegative(),
  levels: z.array(
    z.object({
      clients: z.int().positive(),
      iterations: z.int().positive(),
      seconds: z.number().nonnegative(),
      opsPerSecond: z.number().nonnegative(),
      create: AdminOp,
      delete: AdminOp,
    }),
  ),
  /** Topics left PENDING or DELETING at the end, and bench topics left at all. */
  leftHalfDone: z.array(z.object({ slug: z.string(), status: z.string() })),
  leftOver: z.int().nonnegative(),
});

export const StartupResult = z.object({
  ...Outcome,
  runs: z.array(
    z.object({
      kind: z.enum(["cold", "warm"]),
      /** What the times are measured from. */
      command: z.string(),
      webReadyS: z.number().nullable(),
      allReadyS: z.number().nullable(),
      topicCreatedS: z.number().nullable(),
      firstPostS: z.number().nullable(),
    }),
  ),
});

/** Scenarios written elsewhere (classifier per core, the original Python loop): kept as given. */
export const ExternalResult = z.object({ ...Outcome, figures: z.unknown().optional() });

export const Machine = z.object({
  os: z.string(),
  release: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpus: z.int().positive(),
  memoryBytes: z.number().positive(),
  loadAverageAtStart: z.array(z.number()),
  node: z.string(),
  kafka: z.string(),
  kafkaBrokers: z.string(),
  brokerStartedByBench: z.boolean(),
});

export const RunResults = z.object({
  schemaVersion: z.literal(1),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  commit: z.string(),
  /** True when the working tree had uncommitted changes. */
  dirty: z.boolean(),
  command: z.string(),
  settings: z.object({
    scenarios: z.array(z.string()),
    quick: z.boolean(),
    durationS: z.number(),
    /** Step lengths of latency, fanout and stock-fanout (absent before `--durations`: durationS). */
    durations: z.array(z.number()).optional(),
    /** Runs per step of latency, fanout and stock-fanout (absent before `--repeat`: 1). */
    repeat: z.int().positive().optional(),
    /** Seconds of warm-up before each step's measured posts (absent before `--warmup-seconds`: 0). */
    warmupS: z.number().nonnegative().optional(),
    rates: z.array(z.number()),
    latencyRates: z.array(z.number()),
    subscribers: z.array(z.number()),
    originalSubscribers: z.array(z.number()),
    stockSubscribers: z.array(z.number()).optional(),
    adminClients: z.array(z.number()),
    adminIterations: z.number(),
    fanoutRate: z.number(),
    fanoutTopics: z.enum(["narrow", "broad"]).default("broad"),
    loadProcesses: z.number(),
    drainS: z.number(),
    topics: z.array(z.object({ slug: z.string(), rule: z.string() })),
    /** The topics of the fan-out scenario. */
    fanoutTopicList: z.array(z.object({ slug: z.string(), rule: z.string() })).optional(),
  }),
  machine: Machine,
  scenarios: z.object({
    startup: StartupResult.optional(),
    throughput: ThroughputResult.optional(),
    latency: LatencyResult.optional(),
    fanout: FanoutResult.optional(),
    "original-fanout": OriginalFanoutResult.optional(),
    "stock-fanout": StockFanoutResult.optional(),
    "topic-admin": TopicAdminResult.optional(),
    classifier: ExternalResult.optional(),
    "original-classifier": ExternalResult.optional(),
  }),
});
export type RunResults = z.infer<typeof RunResults>;
export type Scenarios = RunResults["scenarios"];
