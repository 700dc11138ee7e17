// The little of the Kafka wire protocol the tool needs to tell a broker from any
// other TCP listener. Light on imports (not the jars module, which reads the
// pom): deploy/systemd/wait-ready.mjs uses it from the installed tree.
import { Buffer } from "node:buffer";
import net from "node:net";
import { host } from "./shared.ts";

/**
 * An ApiVersions v0 request, which every Kafka version understands; its answer
 * starts with size (4), `correlationId` (4) and an error code (2). Also used by
 * deploy/systemd/wait-ready.mjs.
 */
export function apiVersionsRequest(correlationId: number, clientName: string): Buffer {
  const clientId = Buffer.from(clientName);
  const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  let offset = request.writeInt32BE(request.length - 4, 0);
  offset = request.writeInt16BE(18, offset); // api key: ApiVersions
  offset = request.writeInt16BE(0, offset); // api version
  offset = request.writeInt32BE(correlationId, offset);
  offset = request.writeInt16BE(clientId.length, offset);
  clientId.copy(request, offset);
  return request;
}

/**
 * Sends an ApiVersions request to 127.0.0.1:`port` and resolves true on a
 * matching error-free response: proof that a Kafka broker, not just any TCP
 * listener, is answering. Gives up after `timeoutMs` (default 2 s).
 */
export function pingKafka(port: number, timeoutMs = 2000): Promise<boolean> {
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  const request = apiVersionsRequest(correlationId, "tweetream-kafka-tool");
  return probe(port, timeoutMs, (socket, finish) => {
    let response = Buffer.alloc(0);
    socket.on("close", () => {
      finish(false);
    });
    socket.on("connect", () => {
      socket.write(request);
    });
    socket.on("data", (chunk: Buffer) => {
      response = Buffer.concat([response, chunk]);
      // size (4) + correlation id (4) + error code (2)
      if (response.length >= 10)
        finish(response.readInt32BE(4) === correlationId && response.readInt16BE(8) === 0);
    });
  });
}

/** True when something accepts a TCP connection on 127.0.0.1:`port` within `timeoutMs` (default 1 s). */
export function canConnect(port: number, timeoutMs = 1000): Promise<boolean> {
  return probe(port, timeoutMs, (socket, finish) => {
    socket.on("connect", () => {
      finish(true);
    });
  });
}

// Connects to 127.0.0.1:`port`; `talk` decides the answer through `finish`.
// An error or no answer within `timeoutMs` is false. The socket is closed either way.
function probe(
  port: number,
  timeoutMs: number,
  talk: (socket: net.Socket, finish: (ok: boolean) => void) => void,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      finish(false);
    });
    socket.on("error", () => {
      finish(false);
    });
    talk(socket, finish);
  });
}
