export { startStreamer, type Streamer, type StreamerOptions } from "./streamer.ts";
export { loadStreamerEnv, streamerEnvSchema, type StreamerEnv } from "./env.ts";
