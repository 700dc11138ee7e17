// One connection of a source that reads a WebSocket feed (Bluesky's Jetstream,
// Mastodon's streaming API): messages are decoded into posts and deletions as
// they arrive, queued, and handed on in batches through `emit`. A slow `emit`
// pauses the socket (TCP backpressure to the server) instead of buffering
// without bound. The connection ends on abort, on a stall (no message and no
// ping for `stallTimeoutMs`), on an error, or when the server closes it; what
// was queued before the end is handed on first, and the caller decides when
// and where to reconnect.
import type WebSocket from "ws";
import type { Logger } from "@tweetream/shared";
import type { Emit, RawPost } from "./source.ts";

/** What one message queues: a post or a deletion to hand on, or only a mark (a position to remember). */
export interface FeedItem<Mark> {
  post?: RawPost;
  deletedId?: string;
  mark?: Mark;
}

/** How a connection ended: aborted by the caller, or failed (with the HTTP status of a refused upgrade). */
export type FeedEnding =
  { kind: "aborted" } | { kind: "failed"; reason: string; httpStatus?: number };

export interface FeedOptions<Mark> {
  /** The socket, not yet open (`new WebSocket(url, { handshakeTimeout, maxPayload, headers })`). */
  socket: WebSocket;
  /** No message or ping for this long ends the connection; also bounds the handshake. */
  stallTimeoutMs: number;
  /** Most items per `emit` call. */
  maxBatchSize: number;
  /** Items queued behind a slow `emit` before the socket is paused. */
  maxQueued: number;
  /** Called once the socket is open (e.g. to send subscribe messages). */
  onOpen: (socket: WebSocket) => void;
  /** Turns one message into the items it queues (none: nothing to hand on). Throw to end the connection. */
  decode: (data: WebSocket.RawData, isBinary: boolean) => readonly FeedItem<Mark>[];
  /** Called with each batch once `emit` has handed it on (e.g. to move a cursor). */
  handedOn?: (batch: readonly FeedItem<Mark>[]) => void;
}

/**
 * Reads one connection until it ends. `healthy` is true once a message
 * arrived: the caller resets its backoff after a connection that worked.
 * Rejects only when `emit` does (the socket is closed first).
 */
export async function consumeFeed<Mark>(
  options: FeedOptions<Mark>,
  emit: Emit,
  signal: AbortSignal,
): Promise<{ ending: FeedEnding; healthy: boolean }> {
  const { socket, stallTimeoutMs, maxBatchSize, maxQueued } = options;
  const queue: FeedItem<Mark>[] = [];
  // An object, so the loop below sees what the socket's handlers set.
  const state: { ending: FeedEnding | undefined; paused: boolean; healthy: boolean } = {
    ending: undefined,
    paused: false,
    healthy: false,
  };
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const end = (why: FeedEnding) => {
    if (state.ending) return;
    state.ending = why;
    clearTimeout(stall);
    socket.terminate();
    notify();
  };
  const stall = setTimeout(() => {
    end({ kind: "failed", reason: `stalled: no message for ${stallTimeoutMs} ms` });
  }, stallTimeoutMs);
  const onAbort = () => {
    end({ kind: "aborted" });
  };
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) onAbort();

  socket.on("open", () => {
    options.onOpen(socket);
  });
  socket.on("ping", () => stall.refresh());
  socket.on("message", (data, isBinary) => {
    stall.refresh();
    state.healthy = true;
    let items: readonly FeedItem<Mark>[];
    try {
      items = options.decode(data, isBinary);
    } catch (error) {
      end({ kind: "failed", reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    queue.push(...items);
    if (!state.paused && queue.length >= maxQueued) {
      state.paused = true;
      socket.pause();
    }
    notify();
  });
  socket.on("unexpected-response", (_request, response) => {
    const status = response.statusCode ?? 0;
    end({ kind: "failed", reason: `HTTP ${String(status)}`, httpStatus: status });
  });
  socket.on("error", (error) => {
    end({ kind: "failed", reason: error.message });
  });
  socket.on("close", (code, reason) => {
    const text = reason.toString();
    end({
      kind: "failed",
      reason: `closed by the server (${String(code)}${text ? `: ${text}` : ""})`,
    });
  });

  try {
    for (;;) {
      // Items not yet handed on are read again after a restart where the source can replay.
      if (signal.aborted) break;
      if (queue.length > 0) {
        const batch = queue.splice(0, maxBatchSize);
        if (state.paused && queue.length < maxQueued / 2) {
          state.paused = false;
          socket.resume();
        }
        const posts = batch.flatMap((item) => (item.post ? [item.post] : []));
        const deleted = batch.flatMap((item) => item.deletedId ?? []);
        if (posts.length > 0 || deleted.length > 0) await emit(posts, deleted);
        options.handedOn?.(batch);
        continue;
      }
      if (state.ending) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    // Only reached without an ending when emit threw: close before rethrowing.
    end({ kind: "aborted" });
  }
  return { ending: state.ending ?? { kind: "aborted" }, healthy: state.healthy };
}

/**
 * A warning that is logged at most once per `intervalMs` (default 10 s), so
 * a feed that sends garbage cannot flood the log; the caller counts every case.
 */
export function throttledWarning(
  logger: Logger,
  message: string,
  intervalMs = 10_000,
): (fields: Record<string, unknown>) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  return (fields) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) return;
    lastAt = now;
    logger.warn(fields, message);
  };
}

/** A `ws` message as text, whichever form `ws` gives it in. */
export function messageText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
