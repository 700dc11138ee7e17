/** Why a filtered-stream connection failed; each kind has its own backoff (X's reconnect guide). */
export type XFailureKind = "network" | "http" | "rateLimit";

/** Backoff base values in milliseconds; the defaults are X's documented policy. */
export interface XBackoffTiming {
  /** Linear step for TCP/IP-level errors (default 250 ms). */
  networkStepMs: number;
  /** Ceiling for TCP/IP-level errors (default 16 s). */
  networkMaxMs: number;
  /** First wait after an HTTP error other than 429, doubled each attempt (default 5 s). */
  httpBaseMs: number;
  /** Ceiling for HTTP errors (default 320 s). */
  httpMaxMs: number;
  /** First wait after HTTP 429, doubled each attempt (default 1 min). */
  rateLimitBaseMs: number;
  /**
   * Ceiling for HTTP 429 (default 15 min). X names none; one is needed so the
   * wait never overflows a timer, and X's rate-limit windows are 15 minutes.
   */
  rateLimitMaxMs: number;
}

/** X's documented reconnect policy for the filtered stream. */
export const DEFAULT_X_BACKOFF: Readonly<XBackoffTiming> = {
  networkStepMs: 250,
  networkMaxMs: 16_000,
  httpBaseMs: 5_000,
  httpMaxMs: 320_000,
  rateLimitBaseMs: 60_000,
  rateLimitMaxMs: 15 * 60_000,
};

/**
 * Reconnect delays: linear for network errors, exponential for HTTP errors and
 * for 429. Each kind counts its own consecutive failures; `reset` after a
 * connection that delivered data or a keep-alive.
 */
export class XBackoff {
  private readonly attempts: Record<XFailureKind, number> = { network: 0, http: 0, rateLimit: 0 };

  constructor(private readonly timing: Readonly<XBackoffTiming> = DEFAULT_X_BACKOFF) {}

  /** The wait before the next attempt after a failure of `kind`. */
  next(kind: XFailureKind): number {
    const attempt = ++this.attempts[kind];
    const t = this.timing;
    switch (kind) {
      case "network":
        return Math.min(t.networkStepMs * attempt, t.networkMaxMs);
      case "http":
        return Math.min(t.httpBaseMs * 2 ** (attempt - 1), t.httpMaxMs);
      case "rateLimit":
        return Math.min(t.rateLimitBaseMs * 2 ** (attempt - 1), t.rateLimitMaxMs);
    }
  }

  reset(): void {
    this.attempts.network = 0;
    this.attempts.http = 0;
    this.attempts.rateLimit = 0;
  }
}
