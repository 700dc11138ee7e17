// graphql-ws `next` frames written by the gateway itself, for `tweetAdded`.
// graphql-ws would build a message object per subscriber, validate it,
// JSON.stringify it (the same post thousands of times) and chain a promise per
// frame. Here each post's payload is serialised once per selection
// (shared-execution.ts) and each subscriber's frame is those bytes with its
// operation id spliced in: `{"id":<id>,"type":"next","payload":<payload>}`,
// the very frame graphql-ws writes, so clients see no difference.
import type { Duplex } from "node:stream";
import type { ExecutionResult, FormattedExecutionResult } from "graphql";
import type { WebSocket } from "ws";
import type { HubItem, HubSink } from "../hub/index.ts";
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

/**
 * A sink that writes each item as a `next` frame of `socket`'s operation,
 * `render` giving the payload bytes. It takes items while the socket holds
 * less than SOCKET_BUFFER_LIMIT unsent bytes, and calls `resume` once the
 * socket has drained.
 */
export function frameSink(
  socket: OperationSocket,
  render: (item: HubItem) => Buffer,
  resume: () => void,
): Omit<HubSink, "end"> {
  const { ws, tcp } = socket;
  const prefix = Buffer.from(`{"id":${JSON.stringify(socket.id)},"type":"next","payload":`);
  return {
    ready: () => {
      // A closing socket takes nothing more; graphql-ws ends the operation.
      if (ws.readyState !== ws.OPEN) return false;
      if (tcp.writableLength < SOCKET_BUFFER_LIMIT) return true;
      whenDrained(tcp, resume);
      return false;
    },
    write: (item) => {
      const payload = render(item);
      ws.send(Buffer.concat([prefix, payload, SUFFIX], prefix.length + payload.length + 1), {
        binary: false,
      });
    },
  };
}
