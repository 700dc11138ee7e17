// A GraphQL client that follows the documented resume pattern (docs/API.md,
// "Resuming without gaps"): it keeps the cursor of the last post it received
// and, whenever its WebSocket dies, subscribes again with `after: <cursor>`,
// trying the next web process of the deployment. It records every delivery by
// post id, so lost and repeated posts can be counted.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { z } from "zod";

const TweetAdded = z.object({
  tweetAdded: z.object({ id: z.string(), cursor: z.string(), ingestedAt: z.number() }),
});

const QUERY = `subscription ($topic: ID!, $after: String) {
  tweetAdded(topic: $topic, after: $after) { id cursor ingestedAt }
}`;

/** One delivery: the post id, when the post entered the pipeline and when it arrived here. */
export interface Delivery {
  id: string;
  ingestedAt: number;
  receivedAt: number;
}

export class ResumingSubscriber {
  readonly name: string;
  readonly deliveries: Delivery[] = [];
  /** How many times the subscription was started again after its socket died. */
  reconnects = 0;
  readonly #urls: string[];
  readonly #topic: string;
  #next: number;
  #cursor: string | undefined;
  #client: Client | undefined;
  #stopped = false;
  #failures = 0;
  #onConnected: (() => void) | undefined;

  /** `urls`: the web processes' WebSocket URLs; it starts on `urls[first]`. */
  constructor(name: string, urls: string[], topic: string, first = 0) {
    this.name = name;
    this.#urls = urls;
    this.#topic = topic;
    this.#next = first;
  }

  /** Subscribes; resolves once the first socket is connected. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.#onConnected = resolve;
      this.#connect();
    });
  }

  /** Distinct post ids received. */
  ids(): Set<string> {
    return new Set(this.deliveries.map((d) => d.id));
  }

  #connect(): void {
    if (this.#stopped) return;
    const url = this.#urls[this.#next % this.#urls.length] ?? "";
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      // Reconnection is done here, so the new subscription carries the latest cursor.
      retryAttempts: 0,
      lazy: false,
      // The subscription's own error handler sees the same failure and reconnects;
      // graphql-ws would also print the whole CloseEvent.
      onNonLazyError: () => undefined,
      on: {
        connected: () => {
          this.#failures = 0;
          this.#onConnected?.();
          this.#onConnected = undefined;
        },
      },
    });
    this.#client = client;
    let ended = false;
    const again = () => {
      if (ended) return;
      ended = true;
      void client.dispose();
      if (this.#stopped) return;
      this.reconnects++;
      this.#failures++;
      this.#next++;
      // 100 ms, doubling to 2 s while no web process answers.
      const delay = Math.min(2000, 100 * 2 ** Math.min(this.#failures - 1, 5));
      setTimeout(() => {
        this.#connect();
      }, delay).unref();
    };
    client.subscribe(
      { query: QUERY, variables: { topic: this.#topic, after: this.#cursor ?? null } },
      {
        next: ({ data }) => {
          const parsed = TweetAdded.safeParse(data);
          if (!parsed.success) return;
          const { id, cursor, ingestedAt } = parsed.data.tweetAdded;
          this.#cursor = cursor;
          this.deliveries.push({ id, ingestedAt, receivedAt: Date.now() });
        },
        error: again,
        complete: again,
      },
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#client?.dispose();
  }
}
