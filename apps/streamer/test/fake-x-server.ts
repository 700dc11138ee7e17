// A local stand-in for the X API v2 filtered stream, speaking enough of the real
// protocol for twitter-api-v2: the rules endpoints and a chunked stream of
// `\r\n`-terminated JSON lines, with controls to misbehave the way X can.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface FakeRule {
  id: string;
  value: string;
  tag?: string;
}

export type RuleChange =
  | { op: "add"; id: string; value: string; tag?: string }
  | { op: "delete"; id: string; value: string; tag?: string };

export interface FakeTweet {
  id: string;
  text: string;
  authorId: string;
  username: string;
  lang?: string;
  createdAt?: string;
  /** Rule tags the post matched; the matching rule ids come from the current rules. */
  tags: string[];
}

/** How a stream connection attempt is refused: an HTTP status, or the socket dropped before any answer. */
export type ConnectionFailure = 401 | 429 | 503 | "reset";

export interface FakeXServerOptions {
  /** The bearer token the server accepts (default `test-token`). */
  token?: string;
  /** Rule values the server calls invalid (default: values containing `INVALID`). */
  isInvalidRule?: (value: string) => boolean;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** The fake X API. Start with `FakeXServer.start()`, dispose with `close()`. */
export class FakeXServer {
  readonly token: string;
  /** Rules as X holds them now. */
  readonly rules: FakeRule[] = [];
  /** Every rule change in order. */
  readonly ruleChanges: RuleChange[] = [];
  /** POSTs to the rules endpoint (an idempotent sync makes none). */
  ruleWrites = 0;
  /** GETs of the stream, refused or not. */
  connectionAttempts = 0;
  /** Stream connections answered with 200. */
  connections = 0;
  /** Stream connections the client closed (seen as the request closing while open). */
  closedByClient = 0;
  /** Query of the last stream request. */
  lastStreamQuery: URLSearchParams | undefined;

  private readonly streams = new Set<ServerResponse>();
  private readonly failures: ConnectionFailure[] = [];
  private readonly sockets = new Set<Socket>();
  private nextRuleId = 1_700_000_000_000_000_000n;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private readonly isInvalidRule: (value: string) => boolean;

  private constructor(
    private readonly server: Server,
    options: FakeXServerOptions,
  ) {
    this.token = options.token ?? "test-token";
    this.isInvalidRule = options.isInvalidRule ?? ((value) => value.includes("INVALID"));
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeXServerOptions = {}): Promise<FakeXServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new FakeXServer(server, options);
  }

  /** The origin to give the source as `baseUrl`. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Stream connections open right now. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Puts rules in place as if left over from an earlier run. */
  seedRules(rules: { value: string; tag?: string }[]): void {
    for (const rule of rules) this.rules.push({ id: this.newRuleId(), ...rule });
  }

  /** Refuses the next `count` stream connection attempts. */
  failNextConnections(count: number, failure: ConnectionFailure): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  /** Sends a post to every open stream, as X would for the given rule tags. */
  pushTweet(tweet: FakeTweet): void {
    this.pushPayload({
      data: {
        id: tweet.id,
        text: tweet.text,
        author_id: tweet.authorId,
        created_at: tweet.createdAt ?? new Date().toISOString(),
        edit_history_tweet_ids: [tweet.id],
        ...(tweet.lang ? { lang: tweet.lang } : {}),
      },
      includes: { users: [{ id: tweet.authorId, name: tweet.username, username: tweet.username }] },
      matching_rules: tweet.tags.map((tag) => ({
        id: this.rules.find((rule) => rule.tag === tag)?.id ?? "0",
        tag,
      })),
    });
  }

  /** Sends any JSON payload as one stream line. */
  pushPayload(payload: unknown): void {
    this.write(`${JSON.stringify(payload)}\r\n`);
  }

  /** Sends X's keep-alive (an empty line). */
  keepAlive(): void {
    this.write("\r\n");
  }

  /** Writes raw bytes to every open stream (garbage lines, partial lines, split characters). */
  write(chunk: string | Buffer): void {
    for (const res of this.streams) res.write(chunk);
  }

  /** Sends a keep-alive every `intervalMs` (X does every 20 s); undefined goes silent. */
  autoKeepAlive(intervalMs: number | undefined): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer =
      intervalMs === undefined
        ? undefined
        : setInterval(() => {
            this.keepAlive();
          }, intervalMs);
  }

  /** Sends X's operational-disconnect error line, then ends every stream. */
  operationalDisconnect(): void {
    this.pushPayload({
      errors: [
        {
          title: "operational-disconnect",
          disconnect_type: "UpstreamOperationalDisconnect",
          detail: "This stream has been disconnected upstream for operational reasons.",
          type: "https://api.twitter.com/2/problems/operational-disconnect",
        },
      ],
    });
    for (const res of this.streams) res.end();
  }

  /** Drops every open stream's socket without a proper end (a network error). */
  dropStreams(): void {
    for (const res of this.streams) res.socket?.destroy();
  }

  async close(): Promise<void> {
    this.autoKeepAlive(undefined);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private newRuleId(): string {
    this.nextRuleId += 1n;
    return this.nextRuleId.toString();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      sendJson(
        res,
        401,
        { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" },
        true,
      );
      return;
    }
    if (url.pathname === "/2/tweets/search/stream/rules" && req.method === "GET") {
      sendJson(res, 200, {
        ...(this.rules.length > 0 ? { data: this.rules } : {}),
        meta: { sent: new Date().toISOString(), result_count: this.rules.length },
      });
      return;
    }
    if (url.pathname === "/2/tweets/search/stream/rules" && req.method === "POST") {
      this.ruleWrites++;
      const body: unknown = JSON.parse(await readBody(req));
      sendJson(res, 200, this.updateRules(body));
      return;
    }
    if (url.pathname === "/2/tweets/search/stream" && req.method === "GET") {
      this.openStream(url, req, res);
      return;
    }
    sendJson(
      res,
      404,
      { title: "Not Found Error", type: "about:blank", status: 404, detail: "Not found" },
      true,
    );
  }

  private openStream(url: URL, req: IncomingMessage, res: ServerResponse): void {
    this.connectionAttempts++;
    this.lastStreamQuery = url.searchParams;
    const failure = this.failures.shift();
    if (failure === "reset") {
      req.socket.destroy();
      return;
    }
    if (failure === 429) {
      sendJson(res, 429, {
        title: "ConnectionException",
        detail: "This stream is currently at the maximum allowed connection limit.",
        connection_issue: "TooManyConnections",
        type: "https://api.twitter.com/2/problems/streaming-connection",
      });
      return;
    }
    if (failure !== undefined) {
      const title = failure === 401 ? "Unauthorized" : "Service Unavailable";
      sendJson(res, failure, { title, detail: title, type: "about:blank", status: failure }, true);
      return;
    }
    this.connections++;
    res.writeHead(200, { "content-type": JSON_TYPE, "cache-control": "no-cache" });
    res.flushHeaders();
    this.streams.add(res);
    res.on("close", () => {
      this.streams.delete(res);
      if (!res.writableEnded) this.closedByClient++;
    });
  }

  private updateRules(body: unknown): unknown {
    const sent = new Date().toISOString();
    if (isObject(body) && Array.isArray(body.add)) {
      const created: FakeRule[] = [];
      const errors: unknown[] = [];
      for (const entry of body.add) {
        if (!isObject(entry) || typeof entry.value !== "string") continue;
        const value = entry.value;
        const tag = typeof entry.tag === "string" ? entry.tag : undefined;
        const duplicate = this.rules.find((rule) => rule.value === value);
        if (this.isInvalidRule(value)) {
          errors.push({
            value,
            details: ["Reference to invalid operator 'INVALID'."],
            title: "UnprocessableEntity",
            type: "https://api.twitter.com/2/problems/invalid-rules",
          });
        } else if (duplicate) {
          errors.push({
            value,
            id: duplicate.id,
            title: "DuplicateRule",
            type: "https://api.twitter.com/2/problems/duplicate-rules",
          });
        } else {
          const rule: FakeRule = { id: this.newRuleId(), value, ...(tag ? { tag } : {}) };
          this.rules.push(rule);
          created.push(rule);
          this.ruleChanges.push({ op: "add", ...rule });
        }
      }
      return {
        ...(created.length > 0 ? { data: created } : {}),
        meta: {
          sent,
          summary: {
            created: created.length,
            not_created: errors.length,
            valid: created.length,
            invalid: errors.length,
          },
        },
        ...(errors.length > 0 ? { errors } : {}),
      };
    }
    if (isObject(body) && isObject(body.delete) && Array.isArray(body.delete.ids)) {
      let deleted = 0;
      const errors: unknown[] = [];
      for (const id of body.delete.ids) {
        const index = this.rules.findIndex((rule) => rule.id === id);
        const rule = this.rules[index];
        if (!rule) {
          errors.push({ title: "Not Found Error", detail: "Rule does not exist", id: String(id) });
          continue;
        }
        this.rules.splice(index, 1);
        this.ruleChanges.push({ op: "delete", ...rule });
        deleted++;
      }
      return {
        meta: { sent, summary: { deleted, not_deleted: errors.length } },
        ...(errors.length > 0 ? { errors } : {}),
      };
    }
    return {
      errors: [{ title: "Invalid Request", detail: "One or more parameters are invalid." }],
    };
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, problem = false): void {
  res.writeHead(status, {
    "content-type": problem ? "application/problem+json" : JSON_TYPE,
  });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
