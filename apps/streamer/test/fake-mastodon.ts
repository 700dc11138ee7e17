// A local stand-in for a Mastodon instance's streaming API, speaking the real
// protocol (docs.joinmastodon.org/methods/streaming): `GET /api/v2/instance`
// names the streaming URL in `configuration.urls.streaming`; the WebSocket at
// `/api/v1/streaming` takes the token as `Authorization: Bearer` (refusing the
// upgrade with 401 otherwise), `{"type":"subscribe","stream":…,"tag":…}`
// messages, and sends `{"stream":[…],"event":…,"payload":…}` events whose
// `payload` is a JSON string (a status id for `delete`). It can drop every
// connection and refuse subscriptions.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

interface Client {
  socket: WebSocket;
  /** `stream` or `stream tag`, per subscription. */
  subscriptions: Set<string>;
}

export class FakeMastodon {
  /** Every subscribe message received, in order. */
  readonly subscribes: Record<string, unknown>[] = [];
  /** The Authorization header of every upgrade attempt. */
  readonly authorizations: (string | undefined)[] = [];
  /** Answer `subscribe` with this error message instead of subscribing. */
  refuseSubscriptions: string | undefined;
  readonly #clients = new Set<Client>();

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {}

  static async start(token: string): Promise<FakeMastodon> {
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer((request, response) => {
      if (request.url === "/api/v2/instance") {
        const { port } = server.address() as AddressInfo;
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            domain: "fake.social",
            configuration: { urls: { streaming: `ws://127.0.0.1:${String(port)}` } },
          }),
        );
        return;
      }
      response.writeHead(404).end();
    });
    const fake = new FakeMastodon(server, token);
    server.on("upgrade", (request, socket, head) => {
      // A client that hangs up on a refusal resets the socket: not the test's concern.
      socket.on("error", () => undefined);
      fake.authorizations.push(request.headers.authorization);
      if (request.url?.split("?")[0] !== "/api/v1/streaming") {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
        return;
      }
      if (request.headers.authorization !== `Bearer ${token}`) {
        socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        fake.#accept(ws);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${String(port)}`;
  }

  /** Open connections with at least one subscription. */
  get subscribed(): number {
    return [...this.#clients].filter((client) => client.subscriptions.size > 0).length;
  }

  /** Sends an event to every client subscribed to `stream` (and `tag`). */
  send(stream: string, event: string, payload: string, tag?: string): void {
    const key = tag === undefined ? stream : `${stream} ${tag}`;
    const message = JSON.stringify({
      stream: tag === undefined ? [stream] : [stream, tag],
      event,
      payload,
    });
    for (const client of this.#clients) {
      if (client.subscriptions.has(key)) client.socket.send(message);
    }
  }

  /** Sends a raw message to every client (malformed input). */
  sendRaw(message: string): void {
    for (const client of this.#clients) client.socket.send(message);
  }

  /** Terminates every open connection, as a restarting streaming server would. */
  dropAll(): void {
    for (const client of this.#clients) client.socket.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
      this.server.closeAllConnections();
    });
  }

  #accept(socket: WebSocket): void {
    const client: Client = { socket, subscriptions: new Set() };
    this.#clients.add(client);
    socket.on("close", () => this.#clients.delete(client));
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
      this.subscribes.push(message);
      if (message.type !== "subscribe" || typeof message.stream !== "string") return;
      if (this.refuseSubscriptions !== undefined) {
        socket.send(JSON.stringify({ error: this.refuseSubscriptions, status: 401 }));
        return;
      }
      const tag = typeof message.tag === "string" ? ` ${message.tag}` : "";
      client.subscriptions.add(`${message.stream}${tag}`);
    });
  }
}

let next = 113_000_000_000_000_000n;

/** A Mastodon Status as the streaming API sends it (the fields the source reads, and more). */
export function status(fields: {
  content: string;
  acct?: string;
  language?: string | null;
  tags?: string[];
  spoilerText?: string;
  reblog?: unknown;
  id?: string;
  /** Set for the payload of a `status.update` (an edit). */
  editedAt?: string;
}): Record<string, unknown> {
  const id = fields.id ?? String(next++);
  const acct = fields.acct ?? "warga";
  const user = acct.split("@")[0] ?? acct;
  return {
    id,
    created_at: "2026-12-03T08:00:00.000Z",
    in_reply_to_id: null,
    sensitive: false,
    spoiler_text: fields.spoilerText ?? "",
    visibility: "public",
    language: fields.language === undefined ? "id" : fields.language,
    uri: `https://fake.social/users/${user}/statuses/${id}`,
    url: `https://fake.social/@${user}/${id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    edited_at: fields.editedAt ?? null,
    content: fields.content,
    reblog: fields.reblog ?? null,
    account: {
      id: "1",
      username: user,
      acct,
      display_name: user,
      url: `https://fake.social/@${user}`,
    },
    media_attachments: [],
    mentions: [],
    tags: (fields.tags ?? []).map((name) => ({
      name,
      url: `https://fake.social/tags/${name}`,
    })),
    emojis: [],
  };
}
