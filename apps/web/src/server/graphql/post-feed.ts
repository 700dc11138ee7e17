// The event source of a `tweetAdded` subscription. graphql-js wants an async
// iterable from a subscription's resolver; this one never yields a post. The
// execution layer (shared-execution.ts) starts it with a sink that writes each
// post's frame straight to the subscriber's socket, read from the topic's log
// at the subscriber's position (post-hub.ts), so nothing is queued per
// subscriber. The iterable only tells graphql-ws when the subscription is over:
// done when its topic goes away (graphql-ws then sends `complete`), or an error
// when the subscriber fell behind the log (graphql-ws sends it as the
// operation's `error` message: SUBSCRIBER_TOO_SLOW, with the cursor to resume
// from). With `from`, a replay from Kafka (history/replay.ts) writes to the
// same sink first and hands over to the hub at the offsets it reached.
import type {
  HubEnd,
  TopicPost,
  HubSink,
  HubSubscription,
  PostFilterOptions,
  PostHub,
} from "../hub/index.ts";
import { postFilter } from "../hub/index.ts";
import { replay, type ReplayOptions } from "../history/replay.ts";
import type { PartitionRange } from "../history/log-range.ts";
import { gatewayError, historyError } from "./errors.ts";

/** The error a subscriber that fell behind gets; `cursor` is where to resume. */
export function subscriberTooSlow(cursor: string) {
  return gatewayError(
    "SUBSCRIBER_TOO_SLOW",
    "the subscriber fell behind the oldest post the server keeps for this topic; " +
      "subscribe again with `after` set to `extensions.cursor` to get every post still kept",
    { cursor },
  );
}

/** A replay from Kafka before the live posts (`tweetAdded(from:)`). */
export interface FeedReplay extends Omit<ReplayOptions, "stopped" | "filter"> {
  ranges: readonly PartitionRange[];
}

export class PostFeed implements AsyncIterableIterator<never> {
  #subscription: HubSubscription | undefined;
  #started = false;
  #ended: HubEnd | undefined;
  #waiting: ((outcome: HubEnd) => void) | undefined;
  #failure: Error | undefined;
  /** While replaying: resolves the wait for the socket to drain. */
  #drained: (() => void) | undefined;

  constructor(
    readonly hub: Pick<PostHub, "subscribe">,
    readonly topic: string,
    readonly options: { after?: string | undefined; replay?: FeedReplay } & PostFilterOptions,
  ) {}

  /**
   * From now on the topic's posts go to `sink`: first the replay from Kafka
   * when there is one, then the hub's. Once only.
   */
  start(sink: Omit<HubSink, "end">): void {
    if (this.#started) throw new Error("PostFeed.start called twice");
    this.#started = true;
    const plan = this.options.replay;
    if (!plan) {
      this.#subscribe(sink, this.options.after);
      return;
    }
    const { replay: _replay, ...filter } = this.options;
    replay(
      this.topic,
      plan.ranges,
      {
        ready: () => sink.ready(),
        write: (item) => {
          sink.write(item);
        },
        flush: () => {
          sink.flush?.();
        },
        drained: () =>
          new Promise((resolve) => {
            this.#drained = resolve;
          }),
      },
      { ...plan, filter: postFilter(filter), stopped: () => this.#ended !== undefined },
    ).then(
      (after) => {
        if (after !== undefined && !this.#ended) this.#subscribe(sink, after);
      },
      (error: unknown) => {
        this.#fail(error);
      },
    );
  }

  #subscribe(sink: Omit<HubSink, "end">, after: string | undefined): void {
    this.#subscription = this.hub.subscribe(
      this.topic,
      { ...this.options, after },
      {
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
      },
    );
    if (this.#ended) this.#subscription.close();
  }

  /** Reads on from the subscriber's position (its socket can take more). */
  resume(): void {
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
    this.#subscription?.resume();
  }

  next(): Promise<IteratorResult<never, undefined>> {
    if (this.#ended) return this.#outcome(this.#ended);
    return new Promise((resolve, reject) => {
      this.#waiting = (reason) => {
        this.#outcome(reason).then(resolve, reject);
      };
    });
  }

  #outcome(reason: HubEnd): Promise<IteratorResult<never, undefined>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return outcome(reason);
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

  /** The replay failed (Kafka could not be read): the subscription ends with the error. */
  #fail(error: unknown): void {
    // Retention may remove what is being replayed: HISTORY_EXPIRED, as at the start.
    const failure = historyError(error);
    this.#failure = failure instanceof Error ? failure : new Error(String(failure));
    this.#finish({ kind: "closed" });
  }

  #finish(reason: HubEnd): void {
    if (this.#ended) return;
    this.#ended = reason;
    this.#drained?.();
    this.#drained = undefined;
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
