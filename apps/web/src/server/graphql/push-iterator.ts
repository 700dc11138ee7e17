/**
 * An async iterator that a callback source pushes into: the bridge between
 * the hub's listeners and GraphQL subscriptions. Ending it (`end`, `return`
 * from graphql-ws when the client unsubscribes, or the socket closing) runs
 * the cleanup exactly once, so listeners never outlive their subscriber.
 * At most `maxBuffered` values wait for a slow reader (default 1,000); beyond
 * that the oldest are dropped (a client resumes with a cursor if it cares),
 * and `onDrop` is told, so the loss shows in metrics rather than nowhere.
 */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  // Boxed so that any T, even undefined, can be queued.
  readonly #queue: { value: T }[] = [];
  readonly #readers: ((result: IteratorResult<T, undefined>) => void)[] = [];
  readonly #maxBuffered: number;
  readonly #onDrop: (() => void) | undefined;
  readonly #cleanups: (() => void)[] = [];
  /** No more pushes: `end()` was called; readers drain the queue, then finish. */
  #ended = false;
  /** Finished: every reader gets `done`. */
  #closed = false;
  #dropped = 0;

  /**
   * `maxBuffered`: values kept for a slow reader (default 1,000); `onDrop`:
   * called once per value dropped beyond that (default none).
   */
  constructor(options: { maxBuffered?: number; onDrop?: () => void } = {}) {
    this.#maxBuffered = options.maxBuffered ?? 1000;
    this.#onDrop = options.onDrop;
  }

  /** Values dropped because the reader was too slow. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True once the iterator is finished (its cleanups have run). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `cleanup` when the iterator finishes (at once if it already has). */
  onClose(cleanup: () => void): void {
    if (this.#closed) cleanup();
    else this.#cleanups.push(cleanup);
  }

  push(value: T): void {
    if (this.#ended || this.#closed) return;
    const reader = this.#readers.shift();
    if (reader) {
      reader({ value, done: false });
      return;
    }
    this.#queue.push({ value });
    if (this.#queue.length > this.#maxBuffered) {
      this.#queue.shift();
      this.#dropped += 1;
      this.#onDrop?.();
    }
  }

  /** Ends the stream after the values already pushed have been read. */
  end(): void {
    if (this.#ended || this.#closed) return;
    this.#ended = true;
    if (this.#queue.length === 0) this.#close();
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const entry = this.#queue.shift();
    if (entry) {
      if (this.#ended && this.#queue.length === 0) this.#close();
      return Promise.resolve({ value: entry.value, done: false });
    }
    if (this.#closed || this.#ended) {
      this.#close();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.#queue.length = 0;
    this.#close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    this.#queue.length = 0;
    this.#close();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ended = true;
    for (const reader of this.#readers.splice(0)) reader({ value: undefined, done: true });
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }
}
