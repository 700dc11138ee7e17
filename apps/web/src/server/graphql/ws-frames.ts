// graphql-ws `next` frames written by the gateway itself, for `tweetAdded`.
// graphql-ws would build a message object per subscriber, validate it,
// JSON.stringify it (the same post thousands of times) and chain a promise per
// frame. Here each post's payload is serialised once per selection
// (shared-execution.ts) and each subscriber's frame is those bytes with its
// operation id spliced in: `{"id":<id>,"type":"next","payload":<payload>}`,
// the very message graphql-ws writes, so clients see no difference. The
// WebSocket frames are made here too, and a subscriber's frames of one Kafka
// batch go to its TCP socket in one write.
import type { Duplex } from "node:stream";
import type { ExecutionResult, FormattedExecutionResult } from "graphql";
import type { WebSocket } from "ws";
import type { TopicPost, HubSink } from "../hub/index.ts";
import { SOCKET_BUFFER_LIMIT } from "./coalesce-writes.ts";

/** What a WebSocket operation's context carries so the gateway can write its frames. */
export interface OperationSocket {
  ws: WebSocket;
  /** The TCP socket under `ws`: its buffered bytes are the back-pressure. */
  tcp: Duplex;
  /** The operation id the client chose. */
  id: string;
  /** A result as the `next` payload graphql-ws would send (errors formatted and logged). */
  payload: (result: ExecutionResult) => FormattedExecutionResult;
}

const SUFFIX = Buffer.from("}");
/** FIN and the text opcode: one whole text message per frame (RFC 6455, 5.2). */
const FIN_TEXT = 0x81;
const drainWaiters = new WeakMap<Duplex, Set<() => void>>();

/** Calls `resume` once `tcp` has written what it buffered (one listener per socket). */
function whenDrained(tcp: Duplex, resume: () => void): void {
  let waiters = drainWaiters.get(tcp);
  if (!waiters) {
    const set = new Set<() => void>();
    waiters = set;
    drainWaiters.set(tcp, set);
    tcp.once("drain", () => {
      drainWaiters.delete(tcp);
      for (const waiter of set) waiter();
    });
  }
  waiters.add(resume);
}

/** The header of an unmasked server frame carrying `length` bytes of text. */
function frameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([FIN_TEXT, length]);
  if (length < 0x10000) {
    const header = Buffer.allocUnsafe(4);
    header[0] = FIN_TEXT;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = FIN_TEXT;
  header[1] = 127;
  header.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  header.writeUInt32BE(length % 2 ** 32, 6);
  return header;
}

/**
 * A sink that writes each item as a `next` frame of `socket`'s operation,
 * `render` giving the payload bytes. The frames of one run of writes leave in
 * one buffer and one write to the TCP socket: ws writes server frames straight
 * to the socket as they are sent (no compression is negotiated), so frames
 * written here keep their order with graphql-ws's own. It takes items while
 * the socket holds less than SOCKET_BUFFER_LIMIT unsent bytes, and calls
 * `resume` once the socket has drained.
 */
export function frameSink(
  socket: OperationSocket,
  render: (item: TopicPost) => Buffer,
  resume: () => void,
): Omit<HubSink, "end"> {
  const { ws, tcp } = socket;
  const prefix = Buffer.from(`{"id":${JSON.stringify(socket.id)},"type":"next","payload":`);
  const parts: Buffer[] = [];
  let pending = 0;
  const flush = () => {
    if (parts.length === 0) return;
    const frames = Buffer.concat(parts, pending);
    parts.length = 0;
    pending = 0;
    if (ws.readyState === ws.OPEN) tcp.write(frames);
  };
  return {
    ready: () => {
      // A closing socket takes nothing more; graphql-ws ends the operation.
      if (ws.readyState !== ws.OPEN) return false;
      if (tcp.writableLength + pending < SOCKET_BUFFER_LIMIT) return true;
      flush();
      // The kernel may take it all at once; then no "drain" will come.
      if (tcp.writableLength < SOCKET_BUFFER_LIMIT) return true;
      // Past the socket's high-water mark, so its "drain" will come.
      whenDrained(tcp, resume);
      return false;
    },
    write: (item) => {
      const payload = render(item);
      const length = prefix.length + payload.length + SUFFIX.length;
      const header = frameHeader(length);
      parts.push(header, prefix, payload, SUFFIX);
      pending += header.length + length;
    },
    flush,
  };
}
