// Entry point: parse configuration, start, stop on SIGINT/SIGTERM.
import { ConfigError, createLogger, stopOnSignals } from "@tweetream/shared";
import { loadStreamerEnv } from "./env.ts";
import { startStreamer } from "./streamer.ts";

const bootLogger = createLogger("streamer");
try {
  const env = loadStreamerEnv();
  const logger = createLogger("streamer", env.LOG_LEVEL);
  const service = await startStreamer({ env, logger });
  stopOnSignals(service, logger);
} catch (error) {
  if (error instanceof ConfigError) bootLogger.fatal(error.message);
  else bootLogger.fatal({ err: error }, "failed to start");
  process.exit(1);
}
