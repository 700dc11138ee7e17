// Per client address, over HTTP and WebSocket alike (one budget each):
// mutations change Kafka topics and the catalogue, so each address may run only
// so many per minute; queries and subscriptions cost memory and CPU, so each
// address may start only so many per minute; and an address that keeps sending a wrong admin token is
// refused for a while, so the token cannot be guessed at speed.
// rate-limiter-flexible keeps the counters in memory: per process, which is
// what a limit meant to shield this process needs.
import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/**
 * Counts operations of one kind per key (client address) in a fixed one-minute
 * window: mutations (GRAPHQL_MUTATION_RATE_LIMIT, default 60), and queries and
 * subscriptions (GRAPHQL_OPERATION_RATE_LIMIT, default 600).
 */
export class OperationRateLimit {
  readonly #limiter: RateLimiterMemory;

  /** `what`: the operations counted, for the message ("mutations"). */
  constructor(
    readonly perMinute: number,
    readonly what: string,
  ) {
    this.#limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  /** Counts one operation for `key`; throws RATE_LIMITED (HTTP 429, Retry-After) over the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.#limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfterSeconds = secondsUntil(error.msBeforeNext);
      throw rateLimited(
        `too many ${this.what} from this address (at most ${this.perMinute} a minute); retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
  }
}

/** How long failed admin authentications are counted (and an address refused once over). */
export const AUTH_FAILURE_WINDOW_SECONDS = 600;

/**
 * Counts failed admin authentications (a wrong or malformed token) per key
 * (client address) over {@link AUTH_FAILURE_WINDOW_SECONDS}. Once a key has
 * failed `failures` times, every request of it that carries credentials, the
 * right token included, is refused until the window ends; anonymous reads go on.
 */
export class AuthFailureLimit {
  readonly #limiter: RateLimiterMemory;

  /** `failures`: GRAPHQL_AUTH_FAILURE_LIMIT (default 10). */
  constructor(readonly failures: number) {
    this.#limiter = new RateLimiterMemory({
      points: failures,
      duration: AUTH_FAILURE_WINDOW_SECONDS,
    });
  }

  /** Throws RATE_LIMITED (HTTP 429, Retry-After) when `key` has no failures left. */
  async check(key: string): Promise<void> {
    const counted = await this.#limiter.get(key);
    if (counted && counted.consumedPoints >= this.failures) {
      const retryAfterSeconds = secondsUntil(counted.msBeforeNext);
      throw rateLimited(
        `too many failed admin authentications from this address (${this.failures} in ${AUTH_FAILURE_WINDOW_SECONDS / 60} minutes); retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
  }

  /** Counts one failed authentication of `key`. */
  async fail(key: string): Promise<void> {
    await this.#limiter.penalty(key, 1);
  }
}

const secondsUntil = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** RATE_LIMITED with `retryAfterSeconds`; Apollo turns `http` into the status and header. */
export function rateLimited(message: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: "RATE_LIMITED",
      retryAfterSeconds,
      http: {
        status: 429,
        headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]),
      },
    },
  });
}
