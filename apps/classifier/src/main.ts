// Entry point: parse configuration, start, stop on SIGINT/SIGTERM.
import { ConfigError, createLogger, stopOnSignals } from "@tweetream/shared";
import { loadClassifierEnv } from "./env.ts";
import { startClassifier } from "./classifier.ts";

const bootLogger = createLogger("classifier");
try {
  const env = loadClassifierEnv();
  const logger = createLogger("classifier", env.LOG_LEVEL);
  const service = startClassifier({ env, logger });
  // Wired before start-up ends: a signal meanwhile stops the service once it
  // has started, instead of killing it half-way with its consumer groups joined.
  stopOnSignals(service, logger);
  await service;
} catch (error) {
  if (error instanceof ConfigError) bootLogger.fatal(error.message);
  else bootLogger.fatal({ err: error }, "failed to start");
  process.exit(1);
}
