// The `bluesky` source: every public Bluesky post, from Jetstream's v1
// WebSocket (`/subscribe?wantedCollections=app.bsky.feed.post`), through `ws`.
// It resumes from the last acknowledged `time_us` (rewound a few seconds, the
// repeats are dropped by id downstream), backs off with jitter and moves to
// the next host after repeated failures.
import { LRUCache } from "lru-cache";
import WebSocket from "ws";
import type { Logger } from "@tweetream/shared";
import { abortableSleep } from "../abortable-sleep.ts";
import type { Emit, Source } from "../source.ts";
import {
  consumeFeed,
  messageText,
  throttledWarning,
  type FeedEnding,
  type FeedItem,
} from "../ws-feed.ts";
import { readCursor, writeCursor } from "./cursor-file.ts";
import { decodeJetstreamEvent, POST_COLLECTION } from "./jetstream-event.ts";

/** Bluesky's public Jetstream instances (docs: github.com/bluesky-social/jetstream). */
export const PUBLIC_JETSTREAMS: readonly string[] = [
  "wss://jetstream1.us-east.bsky.network",
  "wss://jetstream2.us-east.bsky.network",
  "wss://jetstream1.us-west.bsky.network",
  "wss://jetstream2.us-west.bsky.network",
];

/** Every delay of the source, in milliseconds. */
export interface JetstreamTiming {
  /** First wait after a failure (default 250 ms); doubles per failure, with jitter. */
  backoffMinMs: number;
  /** Longest wait (default 30 s). */
  backoffMaxMs: number;
  /** No message for this long means a stalled connection (default 30 s); also bounds the handshake. */
  stallTimeoutMs: number;
  /** How far before the last acknowledged event a reconnect resumes (default 5 s). */
  rewindMs: number;
  /** Shortest time between two writes of the cursor file (default 1 s). */
  checkpointEveryMs: number;
}

export interface JetstreamSourceOptions {
  /** Jetstream instances, tried in order: `wss://host` (the `/subscribe` path is added). */
  urls: readonly string[];
  logger: Logger;
  /** A file that keeps the last acknowledged `time_us` across restarts (default: none, start live). */
  cursorPath?: string;
  /** Consecutive failures on one host before moving to the next (default 3). */
  failoverAfter?: number;
  timing?: Partial<JetstreamTiming>;
  /** Waits before a reconnect; resolves early on abort (default: a timer). Tests record the delays. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A number in [0, 1) for the jitter (default Math.random). */
  random?: () => number;
  /** Longest message accepted, in bytes (default 1 MiB); a longer one drops the connection. */
  maxMessageBytes?: number;
  /** Most posts per `emit` call (default 100). */
  maxBatchSize?: number;
  /** Events queued behind a slow `emit` before the socket is paused (default 2,000). */
  maxQueuedEvents?: number;
  /** Called for every event, by outcome, and every reconnect (metrics). */
  onEvent?: (outcome: JetstreamOutcome) => void;
}

/** What became of a message: a post, a deletion, another event, or a malformed message. */
export type JetstreamOutcome = "post" | "delete" | "other" | "malformed" | "reconnect";

/** Live counters of the source, for metrics, logs and tests. */
export interface JetstreamStats {
  connected: boolean;
  connections: number;
  reconnects: number;
  /** Moves to the next host after `failoverAfter` failures in a row. */
  failovers: number;
  posts: number;
  /** Post deletions seen (each handed on with the posts, to the deletions topic). */
  deletions: number;
  malformed: number;
  /** The `time_us` of the last event whose posts Kafka acknowledged. */
  cursorUs: number | undefined;
  /** The host in use (or last tried). */
  host: string;
  lastError: string | undefined;
}

/** The Bluesky source. */
export interface JetstreamSource extends Source {
  readonly kind: "bluesky";
  readonly stats: Readonly<JetstreamStats>;
}

export function createJetstreamSource(options: JetstreamSourceOptions): JetstreamSource {
  return new Jetstream(options);
}

/** Handles remembered per DID; identity events keep it current. */
const HANDLES_KEPT = 100_000;

class Jetstream implements JetstreamSource {
  readonly kind = "bluesky";
  readonly stats: JetstreamStats;
  readonly #options: JetstreamSourceOptions;
  readonly #timing: JetstreamTiming;
  readonly #handles = new LRUCache<string, string>({ max: HANDLES_KEPT });
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  #lastCheckpointAt = 0;
  /** Cursor writes, one after another (each replaces the file by a rename). */
  #checkpoints: Promise<void> = Promise.resolve();
  readonly #warnMalformed: (fields: Record<string, unknown>) => void;
  #running = false;

  constructor(options: JetstreamSourceOptions) {
    if (options.urls.length === 0) throw new Error("the bluesky source needs at least one URL");
    this.#options = options;
    this.#warnMalformed = throttledWarning(
      options.logger,
      "skipped a malformed Jetstream message (at most one such line per 10 s)",
    );
    this.#timing = {
      backoffMinMs: 250,
      backoffMaxMs: 30_000,
      stallTimeoutMs: 30_000,
      rewindMs: 5_000,
      checkpointEveryMs: 1_000,
      ...options.timing,
    };
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
    this.stats = {
      connected: false,
      connections: 0,
      reconnects: 0,
      failovers: 0,
      posts: 0,
      deletions: 0,
      malformed: 0,
      cursorUs: undefined,
      host: options.urls[0] ?? "",
      lastError: undefined,
    };
  }

  async run(emit: Emit, signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error("the bluesky source is already running");
    this.#running = true;
    const { urls, cursorPath, logger } = this.#options;
    const failoverAfter = this.#options.failoverAfter ?? 3;
    let host = 0;
    let failures = 0;
    try {
      // Inside the try: a cursor file it cannot read must not leave the source marked running.
      if (cursorPath !== undefined) this.stats.cursorUs = await readCursor(cursorPath);
      while (!signal.aborted) {
        this.stats.host = urls[host] ?? "";
        const { ending, healthy } = await this.#connectAndConsume(emit, signal);
        if (ending.kind === "aborted") break;
        this.stats.lastError = ending.reason;
        this.stats.reconnects++;
        this.#options.onEvent?.("reconnect");
        failures = healthy ? 1 : failures + 1;
        if (failures >= failoverAfter && urls.length > 1) {
          host = (host + 1) % urls.length;
          failures = 0;
          this.stats.failovers++;
          logger.warn(
            { reason: ending.reason, next: urls[host] },
            "Jetstream host keeps failing; moving to the next one",
          );
        }
        const delayMs = this.#backoff(Math.max(1, failures));
        logger.warn(
          {
            reason: ending.reason,
            delayMs,
            host: this.stats.host,
            reconnects: this.stats.reconnects,
          },
          "Jetstream disconnected; reconnecting",
        );
        await this.#sleep(delayMs, signal);
      }
    } finally {
      this.#running = false;
      this.stats.connected = false;
      const last = this.stats.cursorUs;
      if (cursorPath !== undefined && last !== undefined) this.#checkpoint(cursorPath, last);
      await this.#checkpoints;
    }
  }

  /** Exponential from `backoffMinMs` to `backoffMaxMs`, each wait between half and all of it. */
  #backoff(failures: number): number {
    const { backoffMinMs, backoffMaxMs } = this.#timing;
    const ceiling = Math.min(backoffMaxMs, backoffMinMs * 2 ** Math.min(failures - 1, 20));
    return Math.round(ceiling * (0.5 + this.#random() / 2));
  }

  /** The subscribe URL for `base`, resuming `rewindMs` before the cursor if there is one. */
  #url(base: string): string {
    const url = new URL(base);
    if (!url.pathname.endsWith("/subscribe")) {
      url.pathname = `${url.pathname.replace(/\/+$/, "")}/subscribe`;
    }
    url.searchParams.set("wantedCollections", POST_COLLECTION);
    const cursor = this.stats.cursorUs;
    if (cursor !== undefined) {
      url.searchParams.set("cursor", String(Math.max(1, cursor - this.#timing.rewindMs * 1000)));
    }
    return url.toString();
  }

  async #connectAndConsume(
    emit: Emit,
    signal: AbortSignal,
  ): Promise<{ ending: FeedEnding; healthy: boolean }> {
    const url = this.#url(this.stats.host);
    const { stallTimeoutMs } = this.#timing;
    const socket = new WebSocket(url, {
      handshakeTimeout: stallTimeoutMs,
      maxPayload: this.#options.maxMessageBytes ?? 1024 * 1024,
    });
    try {
      return await consumeFeed<number>(
        {
          socket,
          stallTimeoutMs,
          maxBatchSize: this.#options.maxBatchSize ?? 100,
          maxQueued: this.#options.maxQueuedEvents ?? 2000,
          onOpen: () => {
            this.stats.connected = true;
            this.stats.connections++;
            this.#options.logger.info(
              { url, connections: this.stats.connections },
              "Jetstream connected",
            );
          },
          decode: (data, isBinary) => this.#decode(data, isBinary),
          handedOn: (batch) => {
            this.#advance(batch);
          },
        },
        emit,
        signal,
      );
    } finally {
      this.stats.connected = false;
    }
  }

  /** What one Jetstream message queues: a post, a deletion, or only its `time_us`. */
  #decode(data: WebSocket.RawData, isBinary: boolean): FeedItem<number>[] {
    if (isBinary) {
      this.#malformed("a binary message (compression was not asked for)");
      return [];
    }
    const item = decodeJetstreamEvent(messageText(data), (did) => this.#handles.get(did));
    if (item.kind === "malformed") {
      this.#malformed(item.reason);
      return [];
    }
    this.#options.onEvent?.(item.kind === "identity" ? "other" : item.kind);
    switch (item.kind) {
      case "identity":
        this.#handles.set(item.did, item.handle);
        return [{ mark: item.timeUs }];
      case "post":
        this.stats.posts++;
        return [{ mark: item.timeUs, post: item.post }];
      case "delete":
        this.stats.deletions++;
        return [{ mark: item.timeUs, deletedId: item.id }];
      case "other":
        return [{ mark: item.timeUs }];
    }
  }

  /** Moves the cursor past a batch whose posts are acknowledged; writes it at most once per `checkpointEveryMs`. */
  #advance(batch: readonly FeedItem<number>[]): void {
    let cursor = this.stats.cursorUs ?? 0;
    for (const item of batch) cursor = Math.max(cursor, item.mark ?? 0);
    if (cursor === 0) return;
    this.stats.cursorUs = cursor;
    const path = this.#options.cursorPath;
    const now = Date.now();
    if (path === undefined || now - this.#lastCheckpointAt < this.#timing.checkpointEveryMs) return;
    this.#lastCheckpointAt = now;
    this.#checkpoint(path, cursor);
  }

  #checkpoint(path: string, cursorUs: number): void {
    this.#checkpoints = this.#checkpoints
      .then(() => writeCursor(path, cursorUs))
      .catch((error: unknown) => {
        this.#options.logger.warn(
          { err: error, path },
          "could not write the Jetstream cursor file",
        );
      });
  }

  #malformed(reason: string): void {
    this.stats.malformed++;
    this.#options.onEvent?.("malformed");
    this.#warnMalformed({ reason, malformed: this.stats.malformed });
  }
}
