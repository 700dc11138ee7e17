// Why batches: the KafkaClient runs its admin operations one at a time
// (kafkajs' admin client breaks when a deletion runs beside other operations;
// see packages/shared/src/kafka/admin.ts), so N concurrent creations would
// wait for each other. Batched, they are one request and one wait for leaders.
import type { KafkaClient, TopicSpec } from "@tweetream/shared";

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Creates and deletes Kafka topics one batch at a time, merging requests made meanwhile. */
export class TopicBatcher {
  readonly #kafka: KafkaClient;
  readonly #creations = new Map<string, { spec: TopicSpec; waiters: Waiter[] }>();
  readonly #deletions = new Map<string, Waiter[]>();
  #running = false;

  constructor(kafka: KafkaClient) {
    this.#kafka = kafka;
  }

  /** Resolves once the topic exists with a leader for each partition. */
  ensure(spec: TopicSpec): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = this.#creations.get(spec.topic) ?? { spec, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.#creations.set(spec.topic, entry);
      this.#kick();
    });
  }

  /** Resolves once the topic no longer exists (also if it never did). */
  delete(topic: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiters = this.#deletions.get(topic) ?? [];
      waiters.push({ resolve, reject });
      this.#deletions.set(topic, waiters);
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    // Started on a later tick so that requests made together land in one batch.
    setImmediate(() => {
      void this.#drain().finally(() => {
        this.#running = false;
        if (this.#creations.size > 0 || this.#deletions.size > 0) this.#kick();
      });
    });
  }

  async #drain(): Promise<void> {
    while (this.#creations.size > 0 || this.#deletions.size > 0) {
      if (this.#creations.size > 0) {
        const batch = [...this.#creations.values()];
        this.#creations.clear();
        try {
          await this.#kafka.ensureTopics(batch.map((b) => b.spec));
          for (const b of batch) for (const w of b.waiters) w.resolve();
        } catch (error) {
          for (const b of batch) for (const w of b.waiters) w.reject(error);
        }
      }
      if (this.#deletions.size > 0) {
        const batch = new Map(this.#deletions);
        this.#deletions.clear();
        await this.#deleteBatch(batch);
      }
    }
  }

  async #deleteBatch(batch: ReadonlyMap<string, Waiter[]>): Promise<void> {
    let failure: unknown;
    try {
      await this.#kafka.deleteTopics([...batch.keys()]);
      for (const waiters of batch.values()) for (const w of waiters) w.resolve();
      return;
    } catch (error) {
      failure = error;
    }
    // kafkajs may report a failure after the topics are gone (a retry of a
    // deletion that had succeeded): only the topics still there have failed.
    let present: ReadonlySet<string>;
    try {
      present = new Set(await this.#kafka.listTopics());
    } catch {
      present = new Set(batch.keys());
    }
    for (const [topic, waiters] of batch) {
      for (const w of waiters) {
        if (present.has(topic)) w.reject(failure);
        else w.resolve();
      }
    }
  }
}
