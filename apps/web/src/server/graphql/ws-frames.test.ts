// frameSink against a real ws server and client on loopback: the frames it
// makes are WebSocket text messages a stock client reads, of every length
// class, in order with ws's own, and it stops taking items while the socket is
// full and resumes once it drained.
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { waitFor } from "@tweetream/shared/testing";
import type { TopicPost } from "../hub/index.ts";
import { SOCKET_BUFFER_LIMIT } from "./coalesce-writes.ts";
import { frameSink } from "./ws-frames.ts";

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    server.close();
  }
});

/** A server and a connected client; resolves with the server's end and the client. */
async function connected() {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false });
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once("connection", resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on("message", (data: Buffer, binary: boolean) => {
    received.push(binary ? "<binary>" : data.toString("utf8"));
  });
  await new Promise((resolve) => client.once("open", resolve));
  const ws = await accepted;
  const tcp = (ws as unknown as { _socket: import("node:net").Socket })._socket;
  return { ws, tcp, client, received };
}

/** An item whose payload `render` below turns into `{"data":{"n":<n>,"pad":"…"}}`. */
const item = (n: number, pad: number) => ({ n, pad }) as unknown as TopicPost;
const render = (value: TopicPost) => {
  const { n, pad } = value as unknown as { n: number; pad: number };
  return Buffer.from(JSON.stringify({ data: { n, pad: "x".repeat(pad) } }));
};

describe("frameSink", () => {
  it("writes graphql-ws next messages of every frame length, in order with ws's own", async () => {
    const { ws, tcp, received } = await connected();
    const sink = frameSink({ ws, tcp, id: 'op "1"', payload: () => ({}) }, render, () => undefined);
    ws.send("before");
    const pads = [0, 90, 200, 70_000, 5];
    // One run of writes, flushed at once (the 70 kB frame has a 64-bit length).
    for (const [n, pad] of pads.entries()) sink.write(item(n, pad));
    sink.flush?.();
    ws.send("after");
    await waitFor(() => (received.length === pads.length + 2 ? true : undefined), {
      what: "every message",
    });
    expect(received[0]).toBe("before");
    expect(received.at(-1)).toBe("after");
    const messages = received.slice(1, -1).map((text) => JSON.parse(text) as unknown);
    expect(messages).toEqual(
      pads.map((pad, n) => ({
        id: 'op "1"',
        type: "next",
        payload: { data: { n, pad: "x".repeat(pad) } },
      })),
    );
  });

  it("stops taking items while the socket is full and resumes once it drained", async () => {
    const { ws, tcp, client, received } = await connected();
    let resumed = 0;
    const sink = frameSink({ ws, tcp, id: "1", payload: () => ({}) }, render, () => resumed++);
    client.pause();
    let written = 0;
    // Far more than the loopback buffers hold (about 4 MiB here).
    // Runs of 10 writes of 20 kB, as the hub makes them; ready() flushes a
    // run that passes the limit, and says no only once the socket holds it.
    while (sink.ready() && written < 10_000) {
      sink.write(item(written++, 20_000));
      if (written % 10 === 0) {
        sink.flush?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(written).toBeLessThan(10_000);
    expect(tcp.writableLength).toBeGreaterThanOrEqual(SOCKET_BUFFER_LIMIT);
    expect(resumed).toBe(0);
    client.resume();
    await waitFor(() => (resumed === 1 ? true : undefined), { what: "the resume after drain" });
    expect(sink.ready()).toBe(true);
    await waitFor(() => (received.length === written ? true : undefined), { what: "every frame" });
  });
});
