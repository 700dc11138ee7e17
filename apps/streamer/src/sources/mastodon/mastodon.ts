// The `mastodon` source: the public, hashtag or other timelines of one
// Mastodon instance, from its WebSocket streaming API. It finds the streaming
// host in the instance's `configuration.urls.streaming` (`/api/v2/instance`),
// connects with the user's token (public and hashtag streams need one since
// Mastodon 4.2), subscribes with `{"type":"subscribe","stream":…}` per stream,
// and paces reconnects as X's reconnect rules do (x-backoff.ts). Mastodon's
// streaming API has no replay: statuses posted while it is disconnected are
// not read.
import { z } from "zod";
import WebSocket from "ws";
import type { Logger } from "@tweetream/shared";
import { abortableSleep } from "../abortable-sleep.ts";
import type { Emit, Source } from "../source.ts";
import { consumeFeed, messageText, throttledWarning, type FeedItem } from "../ws-feed.ts";
import {
  DEFAULT_X_BACKOFF,
  XBackoff,
  type XBackoffTiming,
  type XFailureKind,
} from "../x-backoff.ts";
import { decodeMastodonMessage } from "./mastodon-event.ts";

/** One stream to subscribe to, as the streaming API names it. */
export interface MastodonStream {
  stream: string;
  tag?: string;
  list?: string;
}

const PLAIN_STREAMS = new Set([
  "public",
  "public:media",
  "public:local",
  "public:local:media",
  "public:remote",
  "public:remote:media",
  "user",
]);

/**
 * A MASTODON_STREAMS entry as a stream: `public`, `public:local`, …, `user`,
 * `hashtag:<tag>`, `hashtag:local:<tag>` or `list:<id>`; undefined if unknown.
 */
export function parseMastodonStream(name: string): MastodonStream | undefined {
  if (PLAIN_STREAMS.has(name)) return { stream: name };
  const local = /^hashtag:local:#?([^\s#:,]{1,100})$/.exec(name);
  if (local?.[1]) return { stream: "hashtag:local", tag: local[1] };
  const hashtag = /^hashtag:#?([^\s#:,]{1,100})$/.exec(name);
  if (hashtag?.[1]) return { stream: "hashtag", tag: hashtag[1] };
  const list = /^list:(\d{1,30})$/.exec(name);
  if (list?.[1]) return { stream: "list", list: list[1] };
  return undefined;
}

export interface MastodonSourceOptions {
  /** The instance, e.g. `https://mastodon.social`. */
  instanceUrl: string;
  /** A user's access token with `read:statuses`. */
  token: string;
  streams: readonly MastodonStream[];
  logger: Logger;
  /** Reconnect pacing (default X's); `stallTimeoutMs`: no message or ping for this long ends a connection (default 90 s). */
  timing?: Partial<XBackoffTiming> & { stallTimeoutMs?: number };
  /** Waits before a reconnect; resolves early on abort (default: a timer). Tests record the delays. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Longest message accepted, in bytes (default 1 MiB); a longer one drops the connection. */
  maxMessageBytes?: number;
  /** Most posts per `emit` call (default 100). */
  maxBatchSize?: number;
  /** Events queued behind a slow `emit` before the socket is paused (default 2,000). */
  maxQueuedEvents?: number;
  /** Called for every event, by outcome, and every reconnect (metrics). */
  onEvent?: (outcome: MastodonOutcome) => void;
}

/** What became of a message, or a reconnect. */
export type MastodonOutcome = "post" | "delete" | "edit" | "other" | "malformed" | "reconnect";

/** Live counters of the source, for metrics, logs and tests. */
export interface MastodonStats {
  connected: boolean;
  connections: number;
  reconnects: number;
  posts: number;
  deletions: number;
  /** Edits seen; not handed on (the first version stays). */
  edits: number;
  malformed: number;
  /** The streaming API's URL, once the instance has told it. */
  streamingUrl: string | undefined;
  lastError: string | undefined;
}

/** The Mastodon source. */
export interface MastodonSource extends Source {
  readonly kind: "mastodon";
  readonly stats: Readonly<MastodonStats>;
}

export function createMastodonSource(options: MastodonSourceOptions): MastodonSource {
  return new Mastodon(options);
}

const Instance = z.object({
  configuration: z.object({ urls: z.object({ streaming: z.string() }) }),
});

/** A failure before or during a connection, with how X's rules pace the retry. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly failure: XFailureKind,
  ) {
    super(message);
  }
}

class Mastodon implements MastodonSource {
  readonly kind = "mastodon";
  readonly stats: MastodonStats = {
    connected: false,
    connections: 0,
    reconnects: 0,
    posts: 0,
    deletions: 0,
    edits: 0,
    malformed: 0,
    streamingUrl: undefined,
    lastError: undefined,
  };
  readonly #options: MastodonSourceOptions;
  readonly #origin: string;
  readonly #backoff: XBackoff;
  readonly #stallTimeoutMs: number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #warnMalformed: (fields: Record<string, unknown>) => void;
  /** The current connection ended because the server refused a subscription. */
  #refused = false;

  constructor(options: MastodonSourceOptions) {
    if (options.streams.length === 0) throw new Error("the mastodon source needs a stream");
    this.#options = options;
    this.#warnMalformed = throttledWarning(
      options.logger,
      "skipped a malformed Mastodon message (at most one such line per 10 s)",
    );
    this.#origin = new URL(options.instanceUrl).origin;
    const { stallTimeoutMs, ...backoff } = options.timing ?? {};
    this.#backoff = new XBackoff({ ...DEFAULT_X_BACKOFF, ...backoff });
    this.#stallTimeoutMs = stallTimeoutMs ?? 90_000;
    this.#sleep = options.sleep ?? abortableSleep;
  }

  async run(emit: Emit, signal: AbortSignal): Promise<void> {
    const { logger } = this.#options;
    while (!signal.aborted) {
      let failure: XFailureKind;
      try {
        const streamingUrl = this.stats.streamingUrl ?? (await this.#discover(signal));
        const { ending, healthy } = await this.#connectAndConsume(streamingUrl, emit, signal);
        if (ending.kind === "aborted") break;
        if (healthy && !this.#refused) this.#backoff.reset();
        this.stats.lastError = ending.reason;
        failure = this.#refused ? "http" : failureOf(ending.httpStatus);
        this.#refused = false;
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        // Read through a call: the loop's condition does not know `discover` awaited.
        if (isAborted(signal)) break;
        this.stats.lastError = error.message;
        failure = error.failure;
      }
      this.stats.reconnects++;
      this.#options.onEvent?.("reconnect");
      const delayMs = this.#backoff.next(failure);
      const advice =
        failure === "http"
          ? " (check MASTODON_URL, and that MASTODON_TOKEN is a valid token with read:statuses)"
          : "";
      logger.warn(
        { reason: this.stats.lastError, delayMs, reconnects: this.stats.reconnects },
        `Mastodon stream disconnected; reconnecting${advice}`,
      );
      await this.#sleep(delayMs, signal);
    }
  }

  /** The streaming API's URL, from the instance's `configuration.urls.streaming`. */
  async #discover(signal: AbortSignal): Promise<string> {
    const url = `${this.#origin}/api/v2/instance`;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.#stallTimeoutMs)]),
      });
    } catch (error) {
      throw new Refusal(`could not reach ${url}: ${messageOf(error)}`, "network");
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Refusal(`HTTP ${String(response.status)} from ${url}`, failureOf(response.status));
    }
    const instance = Instance.safeParse(await response.json().catch(() => undefined));
    if (!instance.success) {
      throw new Refusal(
        `${url} did not name a streaming URL (is MASTODON_URL a Mastodon instance?)`,
        "http",
      );
    }
    const streaming = new URL(instance.data.configuration.urls.streaming);
    streaming.pathname = `${streaming.pathname.replace(/\/+$/, "")}/api/v1/streaming`;
    this.stats.streamingUrl = streaming.toString();
    return this.stats.streamingUrl;
  }

  async #connectAndConsume(streamingUrl: string, emit: Emit, signal: AbortSignal) {
    const socket = new WebSocket(streamingUrl, {
      handshakeTimeout: this.#stallTimeoutMs,
      maxPayload: this.#options.maxMessageBytes ?? 1024 * 1024,
      // A header, not the `access_token` query parameter: URLs end up in logs.
      headers: { authorization: `Bearer ${this.#options.token}` },
    });
    try {
      return await consumeFeed<never>(
        {
          socket,
          stallTimeoutMs: this.#stallTimeoutMs,
          maxBatchSize: this.#options.maxBatchSize ?? 100,
          maxQueued: this.#options.maxQueuedEvents ?? 2000,
          onOpen: () => {
            this.stats.connected = true;
            this.stats.connections++;
            for (const stream of this.#options.streams) {
              socket.send(JSON.stringify({ type: "subscribe", ...stream }));
            }
            this.#options.logger.info(
              {
                url: streamingUrl,
                streams: this.#options.streams,
                connections: this.stats.connections,
              },
              "Mastodon stream connected",
            );
          },
          decode: (data) => this.#decode(data),
        },
        emit,
        signal,
      );
    } finally {
      this.stats.connected = false;
    }
  }

  #decode(data: WebSocket.RawData): FeedItem<never>[] {
    const item = decodeMastodonMessage(messageText(data), this.#origin);
    switch (item.kind) {
      case "malformed":
        this.#malformed(item.reason);
        return [];
      case "error":
        // A refused subscription (a token without read:statuses, an unknown list).
        this.#refused = true;
        throw new Error(
          `Mastodon refused a subscription${item.status === undefined ? "" : ` (${String(item.status)})`}: ${item.message}`,
        );
      case "post":
        this.stats.posts++;
        this.#options.onEvent?.("post");
        return [{ post: item.post }];
      case "delete":
        this.stats.deletions++;
        this.#options.onEvent?.("delete");
        return [{ deletedId: item.id }];
      case "edit":
        this.stats.edits++;
        this.#options.onEvent?.("edit");
        return [{ post: item.post }];
      case "other":
        this.#options.onEvent?.("other");
        return [];
    }
  }

  #malformed(reason: string): void {
    this.stats.malformed++;
    this.#options.onEvent?.("malformed");
    this.#warnMalformed({ reason, malformed: this.stats.malformed });
  }
}

/** How X's rules pace a retry after a refusal with this HTTP status (none: a network error). */
function failureOf(httpStatus: number | undefined): XFailureKind {
  if (httpStatus === undefined) return "network";
  return httpStatus === 429 ? "rateLimit" : "http";
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
