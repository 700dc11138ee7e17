// The event source of a `tweetAdded` subscription. graphql-js wants an async
// iterable from a subscription's resolver; this one never yields a post. The
// execution layer (shared-execution.ts) starts it with a sink that writes each
// post's frame straight to the subscriber's socket, read from the topic's log
// at the subscriber's position (post-hub.ts), so nothing is queued per
// subscriber. The iterable only tells graphql-ws when the subscription is over:
// done when its topic goes away (graphql-ws then sends `complete`), or an error
// when the subscriber fell behind the log (graphql-ws sends it as the
// operation's `error` message: SUBSCRIBER_TOO_SLOW, with the cursor to resume
// from).
import type {
  HubEnd,
  TopicPost,
  HubSink,
  HubSubscription,
  PostFilterOptions,
  PostHub,
} from "../hub/index.ts";
import { gatewayError } from "./errors.ts";

/** The error a subscriber that fell behind gets; `cursor` is where to resume. */
export function subscriberTooSlow(cursor: string) {
  return gatewayError(
    "SUBSCRIBER_TOO_SLOW",
    "the subscriber fell behind the oldest post the server keeps for this topic; " +
      "subscribe again with `after` set to `extensions.cursor` to get every post still kept",
    { cursor },
  );
}

export class PostFeed implements AsyncIterableIterator<never> {
  #subscription: HubSubscription | undefined;
  #ended: HubEnd | undefined;
  #waiting: ((outcome: HubEnd) => void) | undefined;

  constructor(
    readonly hub: Pick<PostHub, "subscribe">,
    readonly topic: string,
    readonly options: { after?: string | undefined } & PostFilterOptions,
  ) {}

  /** Subscribes to the hub: from now on the topic's posts go to `sink`. Once only. */
  start(sink: Omit<HubSink, "end">): void {
    if (this.#subscription) throw new Error("PostFeed.start called twice");
    this.#subscription = this.hub.subscribe(this.topic, this.options, {
      ready: () => sink.ready(),
      write: (item: TopicPost) => {
        sink.write(item);
      },
      flush: () => {
        sink.flush?.();
      },
      end: (reason) => {
        this.#finish(reason);
      },
    });
    if (this.#ended) this.#subscription.close();
  }

  /** Reads on from the subscriber's position (its socket can take more). */
  resume(): void {
    this.#subscription?.resume();
  }

  next(): Promise<IteratorResult<never, undefined>> {
    if (this.#ended) return outcome(this.#ended);
    return new Promise((resolve, reject) => {
      this.#waiting = (reason) => {
        outcome(reason).then(resolve, reject);
      };
    });
  }

  return(): Promise<IteratorResult<never, undefined>> {
    this.#finish({ kind: "closed" });
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<never, undefined>> {
    this.#finish({ kind: "closed" });
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #finish(reason: HubEnd): void {
    if (this.#ended) return;
    this.#ended = reason;
    this.#subscription?.close();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(reason);
  }
}

function outcome(reason: HubEnd): Promise<IteratorResult<never, undefined>> {
  if (reason.kind === "tooSlow") return Promise.reject(subscriberTooSlow(reason.cursor));
  return Promise.resolve({ done: true, value: undefined });
}
