import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger };

/** A structured JSON logger (pino) named after the service; writes to stdout. */
export function createLogger(name: string, level: LevelWithSilent = "info"): Logger {
  return pino({ name, level, base: { service: name } });
}
