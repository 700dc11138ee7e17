// How graphql-ws's frames reach the TCP socket, for fan-out to thousands of
// subscribers. Two changes to `ws.send`, both measured (docs/BENCHMARKS.md,
// fan-out):
// - graphql-ws waits for each frame's write callback before it sends the next
//   frame of an operation, so a subscriber got at most one post per completed
//   write, whatever was queued for it. The callback is now called as soon as the
//   frame is queued while the socket holds less than `SOCKET_BUFFER_LIMIT`
//   bytes; above it the buffered frames are written at once and the real write
//   callback is awaited, which is the back-pressure graphql-ws relies on. (The
//   frames of `tweetAdded`, written by ws-frames.ts, stop at the same limit: a
//   slow subscriber's posts then wait in the topic's log, not in the socket.)
// - Every frame was its own `writev` system call (42% of the web process's CPU
//   with 1,000 subscribers). The socket is now corked at the first frame of a
//   turn of the event loop and uncorked in `setImmediate` (or as soon as it
//   holds `SOCKET_BUFFER_LIMIT` bytes), so the frames of one Kafka batch leave
//   in one write. Frames and protocol are unchanged.
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";

/** Bytes a socket may hold unsent before a frame's sender waits for the write. */
export const SOCKET_BUFFER_LIMIT = 64 * 1024;

type SendCallback = (error?: Error) => void;

/** Applies the two changes above to `ws`, whose TCP socket is `socket`. */
export function coalesceWrites(ws: WebSocket, socket: Duplex): void {
  let corked = false;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    socket.uncork();
  };
  const send = ws.send.bind(ws) as (data: unknown, ...rest: unknown[]) => void;
  // `ws` has no hook before a frame is written, so `send` is wrapped on this
  // one instance; framing, errors and closing stay ws's own.
  ws.send = ((data: unknown, ...rest: unknown[]) => {
    if (socket.writableLength >= SOCKET_BUFFER_LIMIT) {
      // Enough is queued to be worth a system call now rather than at the end
      // of the turn; waiting for the turn would let a busy subscriber send one
      // frame per turn (its sender waits for each write from here on).
      uncork();
      send(data, ...rest);
      return;
    }
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    const last = rest.at(-1);
    if (typeof last !== "function") {
      send(data, ...rest);
      return;
    }
    const callback = last as SendCallback;
    // A write error still closes the socket (ws emits "close"), which is how
    // graphql-ws learns of it; the frame is queued, so its sender may go on.
    send(data, ...rest.slice(0, -1));
    queueMicrotask(() => {
      callback();
    });
  }) as typeof ws.send;
}
