export { startStreamer, type Streamer, type StreamerOptions } from "./streamer.ts";
export { loadStreamerEnv, streamerEnvSchema, type StreamerEnv } from "./env.ts";
export type { PipelineStats } from "./pipeline.ts";
export type { Emit, RawPost, Source, TopicRules } from "./sources/source.ts";
export { ManualSource } from "./sources/manual.ts";
