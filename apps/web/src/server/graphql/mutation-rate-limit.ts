// Mutations change Kafka topics and the catalogue, so each client address may
// run only so many per minute, over HTTP and WebSocket alike (one budget).
// rate-limiter-flexible keeps the counters in memory: per process, which is
// what a limit meant to shield this process needs.
import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** Counts mutations per key (client address) in a fixed one-minute window. */
export class MutationRateLimit {
  readonly #limiter: RateLimiterMemory;

  /** `perMinute`: mutations each key may run per minute (GRAPHQL_MUTATION_RATE_LIMIT, default 60). */
  constructor(readonly perMinute: number) {
    this.#limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  /** Counts one mutation for `key`; throws RATE_LIMITED (HTTP 429, Retry-After) over the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.#limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw rateLimited(this.perMinute, Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    }
  }
}

/** RATE_LIMITED with `retryAfterSeconds`; Apollo turns `http` into the status and header. */
function rateLimited(perMinute: number, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(
    `too many mutations from this address (at most ${perMinute} a minute); retry in ${retryAfterSeconds} s`,
    {
      extensions: {
        code: "RATE_LIMITED",
        retryAfterSeconds,
        http: {
          status: 429,
          headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]),
        },
      },
    },
  );
}
