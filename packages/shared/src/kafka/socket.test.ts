// The framing socket against a local TCP server that sends size-prefixed
// frames in awkward pieces, as a broker's responses may arrive.
import { once } from "node:events";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../testing.ts";
import { BadFrameSizeError, framedSocketFactory } from "./socket.ts";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A frame: the size of `body`, then `body`. */
function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Serves one connection, writing `pieces` with a pause between each. */
async function serve(pieces: readonly Buffer[]): Promise<number> {
  const server = net.createServer((connection) => {
    // The client closing first resets the connection.
    connection.on("error", () => undefined);
    void (async () => {
      for (const piece of pieces) {
        connection.write(piece);
        await sleep(5);
      }
    })();
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as net.AddressInfo).port;
}

describe("framedSocketFactory", () => {
  it("hands over each response whole, however its bytes arrive", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
    const frames = [
      frame(Buffer.from("one")),
      frame(Buffer.alloc(0)),
      frame(Buffer.from("two")),
      frame(big),
      frame(Buffer.from("last")),
    ];
    const stream = Buffer.concat(frames);
    const cuts = [1, 3, 9, 11, 30, 100_000, 2_000_000, stream.length - 2, stream.length];
    // Cut inside a size prefix, several frames in one write, a large frame in pieces.
    const pieces = cuts.map((end, i) => stream.subarray(cuts[i - 1] ?? 0, end));
    const port = await serve(pieces);

    const received: Buffer[] = [];
    const socket = framedSocketFactory({
      host: "127.0.0.1",
      port,
      ssl: undefined as never,
      onConnect: () => undefined,
    });
    socket.on("data", (data: Buffer) => {
      received.push(data);
    });
    await waitFor(() => (received.length >= frames.length ? true : undefined), {
      timeoutMs: 10_000,
      what: `${String(frames.length)} frames (${String(received.length)} so far)`,
    });
    socket.destroy();
    expect(received.map((r) => r.length)).toEqual(frames.map((f) => f.length));
    received.forEach((r, i) => {
      expect(r.equals(frames[i] ?? Buffer.alloc(0))).toBe(true);
    });
  });

  it("closes a connection that announces a response no broker would send", async () => {
    const port = await serve([Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3])]);
    const socket = framedSocketFactory({
      host: "127.0.0.1",
      port,
      ssl: undefined as never,
      onConnect: () => undefined,
    });
    const [error] = (await once(socket, "error")) as [Error];
    expect(error).toBeInstanceOf(BadFrameSizeError);
    expect(error.message).toMatch(/-16 bytes was announced/);
    expect(socket.destroyed).toBe(true);
  });
});
