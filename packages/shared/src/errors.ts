/**
 * An error that says whether trying again can help. Consumers use it to
 * choose between retrying (retriable) and dead-lettering (not retriable).
 */
export class TweetreamError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable;
  }
}

/** A message that can never be processed as it is (bad JSON, wrong schema, too large). */
export class InvalidMessageError extends TweetreamError {
  /** Short machine-readable reason, written to the dead-letter headers. */
  readonly reason: string;

  constructor(reason: string, message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
    this.reason = reason;
  }
}

/** Configuration that cannot be used; the message names each variable and its fix. */
export class ConfigError extends TweetreamError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`, {
      retriable: false,
    });
    this.problems = problems;
  }
}

/** True when `error` says retrying may succeed; unknown errors count as retriable. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof TweetreamError) return error.retriable;
  if (error instanceof Error && "retriable" in error && typeof error.retriable === "boolean") {
    return error.retriable;
  }
  return true;
}
