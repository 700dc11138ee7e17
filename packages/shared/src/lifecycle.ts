import type { Logger } from "./logger.ts";

/** What every service's `start()` returns. */
export interface Service {
  /** Stops the service in its documented order; rejects if cleanup failed. */
  stop(): Promise<void>;
}

/**
 * Stops `service` on the first SIGINT or SIGTERM (repeats are logged and
 * ignored), or when the supervising parent's IPC channel closes, and exits: 0
 * after a clean stop, 1 if cleanup failed or took longer than `timeoutMs`
 * (default 30 s, counted from the signal). `service` may still be starting (a
 * promise): a signal during start-up then stops it as soon as it has started,
 * so nothing it joined on the way (consumer groups) is left behind. If
 * start-up fails, the caller reports that and exits.
 */
export function stopOnSignals(
  service: Service | Promise<Service>,
  logger: Logger,
  timeoutMs = 30_000,
): void {
  let started: Service | undefined;
  const starting = Promise.resolve(service).then((s) => (started = s));
  // A failed start-up is the caller's to report (it awaits the same promise).
  starting.catch(() => undefined);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "already stopping; signal ignored");
      return;
    }
    stopping = true;
    logger.info({ signal, duringStartUp: started === undefined }, "stopping");
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, "stop timed out");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    starting.then(
      (s) =>
        s.stop().then(
          () => {
            logger.info("stopped");
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, "stop failed");
            process.exit(1);
          },
        ),
      () => undefined,
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Started by `npm start` (tooling/start.ts) with an IPC channel: if that
  // supervisor dies, stop rather than linger as an orphan.
  if (process.send)
    process.once("disconnect", () => {
      onSignal("SIGTERM");
    });
}

/** Wraps `fn` so that every call after the first returns the first call's promise. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}
