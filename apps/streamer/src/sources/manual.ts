import type { Emit, RawPost, Source } from "./source.ts";

/**
 * A source fed by code rather than by a generator, a file or X: `push` queues
 * posts, `run` hands them on in order. For tests that must know exactly which
 * post goes where, and for embedding the streamer in another program. Its
 * posts count as `synthetic` downstream.
 */
export class ManualSource implements Source {
  readonly kind = "synthetic" as const;
  readonly #queue: (readonly RawPost[])[] = [];
  #wake: (() => void) | undefined;
  #counter = 0;

  /** An Indonesian post with a fresh id (`<prefix>-<n>-<ms>`) and a fixed author. */
  post(text: string, prefix = "manual"): RawPost {
    this.#counter += 1;
    return {
      id: `${prefix}-${this.#counter}-${Date.now()}`,
      text,
      author: { id: "7", username: "warga" },
      createdAt: new Date().toISOString(),
      lang: "id",
    };
  }

  /** Queues a batch; `run` hands it on after the batches before it. */
  push(posts: readonly RawPost[]): void {
    this.#queue.push(posts);
    this.#wake?.();
  }

  async run(emit: Emit, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const batch = this.#queue.shift();
      if (batch) {
        await emit(batch);
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener("abort", wake);
          resolve();
        };
        this.#wake = wake;
        signal.addEventListener("abort", wake);
      });
    }
  }
}
