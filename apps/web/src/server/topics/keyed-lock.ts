/**
 * Runs tasks one at a time per key (tasks under different keys run
 * concurrently), in the order they were queued. A failed task does not block
 * the next one.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` once every task queued earlier under `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    // Forget idle keys so the map does not grow with every slug ever seen.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Number of keys with a queued or running task. */
  get size(): number {
    return this.#tails.size;
  }
}
