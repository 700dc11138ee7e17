// Entry point: parse configuration, start, stop on SIGINT/SIGTERM.
import { ConfigError, createLogger, stopOnSignals } from "@tweetream/shared";
import { loadWebEnv } from "./env.ts";
import { countExternalMemoryInHeapLimit } from "./gc-tuning.ts";
import { startWebServer } from "./server/web-server.ts";

const bootLogger = createLogger("web");
try {
  const env = loadWebEnv();
  if (env.WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT === "on") countExternalMemoryInHeapLimit();
  const logger = createLogger("web", env.LOG_LEVEL);
  // Started a microtask later, so the signal handlers are in place before it
  // logs or spawns anything: a signal during start-up stops the server once it
  // has started (catalogue open, consumer groups joined), instead of killing it.
  const service = Promise.resolve().then(() => startWebServer({ env, logger }));
  stopOnSignals(service, logger);
  await service;
} catch (error) {
  if (error instanceof ConfigError) bootLogger.fatal(error.message);
  else bootLogger.fatal({ err: error }, "failed to start");
  process.exit(1);
}
