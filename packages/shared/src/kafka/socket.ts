// The sockets kafkajs talks to brokers through (its `socketFactory` option).
// Every Kafka response is a 4-byte size and that many bytes. kafkajs' own
// socket hands it the 64 KiB pieces Node reads and copies them into one
// buffer per response; a 2 MiB fetch response is 32 allocations and a copy.
// Here, once a response's size is read, the socket reads straight into a
// buffer of that size (Node's `onread`), and kafkajs gets each response as
// one piece, which it then uses without copying (patches/kafkajs+2.2.4.patch,
// `processData`). Reading a topic's log took half the CPU it did
// (docs/BENCHMARKS.md, "Rule preview"). TLS connections are made as kafkajs
// makes them.
import net from "node:net";
import tls from "node:tls";
import type { ISocketFactory } from "kafkajs";

/** kafkajs' keep-alive delay. */
const KEEP_ALIVE_DELAY_MS = 60_000;
/** Largest response accepted, bytes; a larger size means the stream is not Kafka's. */
export const MAX_RESPONSE_BYTES = 1024 * 1024 * 1024;

/** A size prefix no Kafka broker sends. */
export class BadFrameSizeError extends Error {
  constructor(size: number) {
    super(
      `a Kafka response of ${String(size)} bytes was announced (at most ${String(MAX_RESPONSE_BYTES)}): the connection is not speaking Kafka's protocol`,
    );
    this.name = "BadFrameSizeError";
  }
}

export const framedSocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  // kafkajs passes its `ssl` option as given: options, `true`, or nothing.
  const tlsOptions = ssl as tls.ConnectionOptions | boolean | undefined;
  if (tlsOptions) {
    const socket = tls.connect(
      {
        host,
        port,
        ...(net.isIP(host) ? {} : { servername: host }),
        ...(tlsOptions === true ? {} : tlsOptions),
      },
      onConnect,
    );
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    return socket;
  }
  const sizeBytes = Buffer.alloc(4);
  /** The response being read: its size prefix and bytes. */
  let frame: Buffer | undefined;
  /** Bytes of the size prefix, then of the frame, read so far. */
  let filled = 0;
  const socket = net.connect(
    {
      host,
      port,
      onread: {
        // Asked before every read: exactly what the current response still needs.
        buffer: () => (frame ? frame.subarray(filled) : sizeBytes.subarray(filled)),
        callback: (bytes: number) => {
          filled += bytes;
          if (!frame) {
            if (filled < 4) return true;
            const size = sizeBytes.readInt32BE(0);
            if (size < 0 || size > MAX_RESPONSE_BYTES) {
              socket.destroy(new BadFrameSizeError(size));
              return false;
            }
            frame = Buffer.allocUnsafeSlow(4 + size);
            sizeBytes.copy(frame, 0);
            if (size > 0) return true;
          } else if (filled < frame.length) {
            return true;
          }
          const whole = frame;
          frame = undefined;
          filled = 0;
          socket.emit("data", whole);
          return true;
        },
      },
    },
    onConnect,
  );
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  return socket;
};
