// How graphql-ws's frames reach the TCP socket, for fan-out to thousands of
// subscribers. Two changes to `ws.send`, both measured (docs/BENCHMARKS.md,
// fan-out):
// - graphql-ws waits for each frame's write callback before it sends the next
//   frame of an operation, so a subscriber got at most one post per completed
//   write, whatever was queued for it. The callback is now called as soon as the
//   frame is queued while the socket holds less than `SOCKET_BUFFER_LIMIT`
//   bytes; above it the real write callback is awaited, which is the
//   back-pressure graphql-ws relies on (and a slow subscriber's posts then wait
//   in its bounded hub queue, not in the socket).
// - Every frame was its own `writev` system call (42% of the web process's CPU
//   with 1,000 subscribers). The socket is now corked at the first frame of a
//   turn of the event loop and uncorked in `setImmediate`, so all frames of one
//   Kafka batch leave in one write. Frames and protocol are unchanged.
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";

/** Bytes a socket may hold unsent before a frame's sender waits for the write. */
export const SOCKET_BUFFER_LIMIT = 64 * 1024;

type SendCallback = (error?: Error) => void;

/** Applies the two changes above to `ws`, whose TCP socket is `socket`. */
export function coalesceWrites(ws: WebSocket, socket: Duplex): void {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const send = ws.send.bind(ws) as (data: unknown, ...rest: unknown[]) => void;
  // `ws` has no hook before a frame is written, so `send` is wrapped on this
  // one instance; framing, errors and closing stay ws's own.
  ws.send = ((data: unknown, ...rest: unknown[]) => {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    const last = rest.at(-1);
    if (typeof last !== "function" || socket.writableLength >= SOCKET_BUFFER_LIMIT) {
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
