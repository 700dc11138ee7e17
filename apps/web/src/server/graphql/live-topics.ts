import type { TopicChangeMapper } from "./mappers.ts";

/**
 * The topics this web process serves right now: those its catalogue follower
 * has applied and its hub has been told about. Resolvers check topics here,
 * wait here for a topic created a moment ago on another process, and listen
 * here for `topicsChanged`.
 */
export class LiveTopics {
  #slugs: ReadonlySet<string> = new Set();
  readonly #listeners = new Set<(change: TopicChangeMapper) => void>();
  readonly #waiters = new Set<() => void>();

  /** The current slugs. */
  get slugs(): ReadonlySet<string> {
    return this.#slugs;
  }

  has(slug: string): boolean {
    return this.#slugs.has(slug);
  }

  /** Number of `onChange` listeners (open `topicsChanged` subscriptions and the like). */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Replaces the set of live topics and, when given, tells every listener about `change`. */
  update(slugs: ReadonlySet<string>, change?: TopicChangeMapper): void {
    this.#slugs = new Set(slugs);
    for (const wake of [...this.#waiters]) wake();
    if (change) for (const listener of [...this.#listeners]) listener(change);
  }

  /** Calls `listener` with every change from now on; returns the function that stops it. */
  onChange(listener: (change: TopicChangeMapper) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Resolves true once `slug` is live, or false after `timeoutMs` (or when `signal` aborts). */
  waitUntilLive(slug: string, timeoutMs: number): Promise<boolean> {
    if (this.has(slug)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (live: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(live);
      };
      const check = () => {
        if (this.has(slug)) finish(true);
      };
      const timer = setTimeout(() => {
        finish(false);
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }
}
