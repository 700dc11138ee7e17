// Messages between the harness and its load processes (Node IPC). Both sides
// parse what they receive.
import { z } from "zod";

/** Open `count` WebSocket subscribers, spread over topics and source addresses. */
export const SubscribeCommand = z.object({
  type: z.literal("subscribe"),
  url: z.string(),
  /** The subscription document; it must select `id` and `ingestedAt` of its one root field. */
  query: z.string(),
  /** Root field name of the subscription (e.g. tweetAdded). */
  field: z.string(),
  topics: z.array(z.string()).min(1),
  count: z.int().min(0),
  /** Local addresses to connect from, e.g. 127.0.0.2 (several lift per-address limits). */
  addresses: z.array(z.string()).min(1),
  /** Connections opened at once. */
  concurrency: z.int().min(1),
  timeoutMs: z.int().min(1),
});
export type SubscribeCommand = z.infer<typeof SubscribeCommand>;

/** Run `clients` concurrent admins that each create and delete topics. */
export const AdminCommand = z.object({
  type: z.literal("admin"),
  url: z.string(),
  token: z.string(),
  clients: z.int().min(1),
  /** create + delete pairs per client. */
  iterations: z.int().min(1),
  slugPrefix: z.string(),
  timeoutMs: z.int().min(1),
});
export type AdminCommand = z.infer<typeof AdminCommand>;

export const LoadCommand = z.discriminatedUnion("type", [
  SubscribeCommand,
  AdminCommand,
  z.object({
    type: z.literal("reset"),
    /** Record every delivery as warm-up until a "measure-from" says where the step starts. */
    warmup: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("measure-from"),
    /** Epoch ms: posts ingested from then on are the step's; earlier ones are its warm-up. */
    at: z.number(),
  }),
  z.object({ type: z.literal("report") }),
  z.object({ type: z.literal("close") }),
]);
export type LoadCommand = z.infer<typeof LoadCommand>;

/** Deliveries seen by the subscribers of one topic in one load process. */
export const TopicDeliveries = z.object({
  subscribers: z.int(),
  /** Distinct post ids any subscriber of the topic received. */
  distinctPosts: z.int(),
  /** Posts received, counting each subscriber (duplicates excluded). */
  deliveries: z.int(),
  duplicates: z.int(),
  /** Fewest and most distinct posts one subscriber got. */
  minPerSubscriber: z.int(),
  maxPerSubscriber: z.int(),
  /** Earliest and latest ingest time seen (epoch ms), for the achieved rate. */
  firstIngestedAt: z.number().nullable(),
  lastIngestedAt: z.number().nullable(),
});
export type TopicDeliveries = z.infer<typeof TopicDeliveries>;

/** Request latency and errors of one kind of admin operation. */
export const AdminOpResult = z.object({
  histogram: z.string(),
  ok: z.int(),
  errors: z.record(z.string(), z.int()),
});

export const LoadReply = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("subscribed"),
    connected: z.int(),
    failed: z.int(),
    firstError: z.string().nullable(),
    ms: z.number(),
  }),
  z.object({
    type: z.literal("report"),
    /** Compressed HdrHistogram of ingest → receipt latency (ms), the warm-up left out. */
    histogram: z.string(),
    /** The same of the posts ingested during the warm-up (before "measure-from"). */
    warmupHistogram: z.string(),
    topics: z.record(z.string(), TopicDeliveries),
    /** Subscriptions that ended or failed (not by us). */
    ended: z.int(),
    errors: z.int(),
    firstError: z.string().nullable(),
    rssBytes: z.number(),
  }),
  z.object({
    type: z.literal("admin-done"),
    create: AdminOpResult,
    delete: AdminOpResult,
    ms: z.number(),
  }),
  z.object({ type: z.literal("ack") }),
  z.object({ type: z.literal("error"), message: z.string() }),
]);
export type LoadReply = z.infer<typeof LoadReply>;
