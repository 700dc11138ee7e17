// Entry point: parse configuration, start, stop on SIGINT/SIGTERM.
import { ConfigError, createLogger, stopOnSignals } from "@tweetream/shared";
import { loadStreamerEnv } from "./env.ts";
import { startStreamer } from "./streamer.ts";

const bootLogger = createLogger("streamer");
try {
  const env = loadStreamerEnv();
  const logger = createLogger("streamer", env.LOG_LEVEL);
  const service = startStreamer({ env, logger });
  // Wired before start-up ends: a signal meanwhile stops the service once it
  // has started, instead of killing it half-way with its consumer groups joined.
  stopOnSignals(service, logger);
  await service;
} catch (error) {
  if (error instanceof ConfigError) bootLogger.fatal(error.message);
  else bootLogger.fatal({ err: error }, "failed to start");
  process.exit(1);
}
