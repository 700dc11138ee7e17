// Entry point: parse configuration, start, stop on SIGINT/SIGTERM.
import { ConfigError, createLogger, stopOnSignals } from "@tweetream/shared";
import { loadWebEnv } from "./env.ts";
import { startWebServer } from "./server.ts";

const bootLogger = createLogger("web");
try {
  const env = loadWebEnv();
  const logger = createLogger("web", env.LOG_LEVEL);
  const service = await startWebServer({ env, logger });
  stopOnSignals(service, logger);
} catch (error) {
  if (error instanceof ConfigError) bootLogger.fatal(error.message);
  else bootLogger.fatal({ err: error }, "failed to start");
  process.exit(1);
}
