// A local stand-in for a Bluesky Jetstream instance, speaking its v1 wire
// protocol: WebSocket `/subscribe?wantedCollections=…&cursor=<time_us>`, one
// JSON event per text message, in the shape of Jetstream's golden events
// (bluesky-social/jetstream, internal/subscribe/testdata/golden_v1.jsonl).
// It keeps a log of events, replays it from `cursor` (events with time_us ≥
// cursor, as Jetstream does), sends appended events live, and can drop every
// connection, drop each one after some messages, or refuse connections.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** A Jetstream event as it goes on the wire (a JSON object with `time_us`). */
export interface FakeEvent {
  did: string;
  time_us: number;
  kind: string;
  [key: string]: unknown;
}

interface Client {
  socket: WebSocket;
  collections: Set<string> | undefined;
  /** The next log index to send. */
  next: number;
  sent: number;
}

export class FakeJetstream {
  /** Every event, in order. */
  readonly log: FakeEvent[] = [];
  /** The URL of every connection attempt, refused or not (path and query). */
  readonly requests: string[] = [];
  /** Answer upgrades with this HTTP status instead of accepting them. */
  refuseWith: number | undefined;
  /** Terminate each connection after it has sent this many events. */
  dropAfter: number | undefined;
  /** Extra raw messages sent first on each connection (malformed input). */
  garbage: string[] = [];

  readonly #clients = new Set<Client>();

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(): Promise<FakeJetstream> {
    const server = createServer((_request, response) => {
      response.writeHead(404).end();
    });
    const wss = new WebSocketServer({ noServer: true });
    const fake = new FakeJetstream(server, wss);
    server.on("upgrade", (request, socket, head) => {
      const url = new URL(request.url ?? "/", "http://fake");
      fake.requests.push(`${url.pathname}${url.search}`);
      if (fake.refuseWith !== undefined || url.pathname !== "/subscribe") {
        const status = fake.refuseWith ?? 404;
        socket.end(`HTTP/1.1 ${String(status)} Refused\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        fake.#accept(ws, url.searchParams);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `ws://127.0.0.1:${String(port)}`;
  }

  get connections(): number {
    return this.#clients.size;
  }

  /** Adds events to the log and sends them to every connected client that wants them. */
  append(...events: FakeEvent[]): void {
    this.log.push(...events);
    for (const client of this.#clients) this.#pump(client);
  }

  /** Terminates every open connection, as a crashing instance would. */
  dropAll(): void {
    for (const client of this.#clients) client.socket.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
      this.server.closeAllConnections();
    });
  }

  #accept(socket: WebSocket, query: URLSearchParams): void {
    const wanted = query.getAll("wantedCollections");
    const cursor = Number(query.get("cursor") ?? Number.NaN);
    // No cursor: live from now. A cursor: replay from the first event at or after it.
    const start = Number.isNaN(cursor)
      ? this.log.length
      : this.log.findIndex((event) => event.time_us >= cursor);
    const client: Client = {
      socket,
      collections: wanted.length > 0 ? new Set(wanted) : undefined,
      next: start === -1 ? this.log.length : start,
      sent: 0,
    };
    this.#clients.add(client);
    socket.on("close", () => this.#clients.delete(client));
    for (const message of this.garbage) socket.send(message);
    this.#pump(client);
  }

  #pump(client: Client): void {
    while (client.next < this.log.length && this.#clients.has(client)) {
      const event = this.log[client.next++];
      if (!event || !this.#wants(client, event)) continue;
      if (this.dropAfter !== undefined && client.sent >= this.dropAfter) {
        this.#clients.delete(client);
        client.socket.terminate();
        return;
      }
      client.socket.send(JSON.stringify(event));
      client.sent++;
    }
  }

  #wants(client: Client, event: FakeEvent): boolean {
    if (event.kind !== "commit" || !client.collections) return true;
    const commit = event.commit as { collection?: string } | undefined;
    return commit?.collection !== undefined && client.collections.has(commit.collection);
  }
}

let clock = 1_780_000_000_000_000;

/** A `time_us` a little after the previous one (Jetstream's clock is microseconds). */
export function nextTimeUs(stepUs = 1_000): number {
  clock += stepUs;
  return clock;
}

/** A commit event of `collection`, shaped like Jetstream's golden ones (a delete has no record). */
function commitEvent(
  did: string,
  timeUs: number,
  commit: { operation: string; collection: string; rkey: string; record?: Record<string, unknown> },
): FakeEvent {
  const { rkey, record } = commit;
  return {
    did,
    time_us: timeUs,
    kind: "commit",
    commit: {
      rev: `rev${rkey}`,
      ...commit,
      ...(record ? { record: { $type: commit.collection, ...record }, cid: `bafyrei${rkey}` } : {}),
    },
  };
}

/** An `app.bsky.feed.post` create event. */
export function postEvent(
  did: string,
  rkey: string,
  record: Record<string, unknown>,
  timeUs = nextTimeUs(),
): FakeEvent {
  return commitEvent(did, timeUs, {
    operation: "create",
    collection: "app.bsky.feed.post",
    rkey,
    record: { createdAt: new Date(Math.floor(timeUs / 1000)).toISOString(), ...record },
  });
}

/** An `app.bsky.feed.post` delete event: its author deleted the post. */
export function deleteEvent(did: string, rkey: string, timeUs = nextTimeUs()): FakeEvent {
  return commitEvent(did, timeUs, { operation: "delete", collection: "app.bsky.feed.post", rkey });
}

/** A commit of another collection (a like), which the source must ignore. */
export function likeEvent(did: string, rkey: string, timeUs = nextTimeUs()): FakeEvent {
  return commitEvent(did, timeUs, {
    operation: "create",
    collection: "app.bsky.feed.like",
    rkey,
    record: { createdAt: new Date().toISOString() },
  });
}
