import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { SOCKET_BUFFER_LIMIT, coalesceWrites } from "./coalesce-writes.ts";

let server: Server | undefined;
let client: WebSocket | undefined;

afterEach(async () => {
  client?.terminate();
  await new Promise((resolve) => server?.close(resolve));
});

/** A real ws server whose one connection is wrapped; resolves with both ends once open. */
async function connect(): Promise<{ ws: WebSocket; socket: Duplex; received: string[] }> {
  const wss = new WebSocketServer({ noServer: true });
  server = createServer();
  const opened = new Promise<{ ws: WebSocket; socket: Duplex }>((resolve) => {
    server?.on("upgrade", (request, socket, head) => {
      wss.handleUpgrade(request, socket, head, (ws) => {
        coalesceWrites(ws, socket);
        resolve({ ws, socket });
      });
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const received: string[] = [];
  client = new WebSocket(`ws://127.0.0.1:${String(port)}`);
  client.on("message", (data: Buffer) => received.push(data.toString()));
  const { ws, socket } = await opened;
  return { ws, socket, received };
}

describe("coalesceWrites", () => {
  it("sends every frame of a turn, in order, in one uncorked write", async () => {
    const { ws, socket, received } = await connect();
    const frames = Array.from({ length: 300 }, (_, i) => `frame ${String(i)}`);
    let callbacks = 0;
    for (const frame of frames) {
      ws.send(frame, () => {
        callbacks++;
      });
    }
    // Held until the turn ends, then written together.
    expect(socket.writableCorked).toBe(1);
    await nextTurn();
    expect(socket.writableCorked).toBe(0);
    await expect.poll(() => received.length).toBe(frames.length);
    expect(received).toEqual(frames);
    expect(callbacks).toBe(frames.length);
  });

  it("writes at once and waits for the write once a socket holds the buffer limit", async () => {
    const { ws, socket, received } = await connect();
    const frame = "x".repeat(1024);
    let sent = 0;
    let early = 0;
    while (socket.writableLength < SOCKET_BUFFER_LIMIT) {
      sent++;
      ws.send(frame, () => {
        early++;
      });
    }
    expect(socket.writableCorked).toBe(1);
    // Below the limit the sender may go on before any byte is written.
    await Promise.resolve();
    expect(early).toBe(sent);
    let late = false;
    ws.send(frame, () => {
      late = true;
    });
    // The limit was reached: flushed now, not at the end of the turn.
    expect(socket.writableCorked).toBe(0);
    expect(late).toBe(false);
    await expect.poll(() => late).toBe(true);
    await expect.poll(() => received.length).toBe(sent + 1);
  });
});
