// The logger of the operation being served. Apollo's `formatError` gets no
// context, so the HTTP handler runs each request in an AsyncLocalStorage scope
// that carries the request's child logger (with `requestId`), and error logging
// reads it from there.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "@tweetream/shared";

const scope = new AsyncLocalStorage<Logger>();

/** Runs `work` with `logger` as the current request's logger. */
export function withRequestLogger<T>(logger: Logger, work: () => T): T {
  return scope.run(logger, work);
}

/** The current request's logger, or `fallback` outside a request. */
export function requestLogger(fallback: Logger): Logger {
  return scope.getStore() ?? fallback;
}
