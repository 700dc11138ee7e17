// The `x` source: X API v2 filtered stream through twitter-api-v2, with the
// stream rules kept equal to the topic catalogue and X's reconnect policy.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { Readable } from "node:stream";
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  ETwitterStreamEvent,
  TwitterApi,
  TwitterApiv2,
  type TweetStream,
} from "twitter-api-v2";
import type { Logger } from "@tweetream/shared";
import { abortableSleep } from "./abortable-sleep.ts";
import type { Emit, RawPost, Source, TopicRules } from "./source.ts";
import {
  DEFAULT_X_BACKOFF,
  XBackoff,
  type XBackoffTiming,
  type XFailureKind,
} from "./x-backoff.ts";
import { describeProblems, isTooManyConnections, problemsOf, toRawPost } from "./x-payload.ts";
import { syncRules, type RulesApi, type WantedRule } from "./x-rules.ts";

/** Every delay the source uses, in milliseconds (X's values by default). */
export interface XSourceTiming extends XBackoffTiming {
  /**
   * No complete line (post or keep-alive) for this long means a stalled stream
   * (default 20 s, X's advice); also bounds the wait for response headers.
   */
  stallTimeoutMs: number;
  /** Timeout of each rules request (default 30 s). */
  requestTimeoutMs: number;
}

export interface XSourceOptions {
  /** App bearer token with filtered-stream access. */
  bearerToken: string;
  logger: Logger;
  /** API origin (default `https://api.x.com`); tests point it at a fake server. */
  baseUrl?: string;
  timing?: Partial<XSourceTiming>;
  /** Waits before a reconnect; resolves early on abort (default: a timer). Tests record the delays. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Longest stream line kept, in characters; a longer one drops the connection (default 1 MiB). */
  maxLineBytes?: number;
  /** Most posts per `emit` call (default 100). */
  maxBatchSize?: number;
  /** Posts queued behind a slow `emit` before the stream is paused (default 1000). */
  maxQueuedPosts?: number;
}

/** Live counters of the source, for metrics and logs. */
export interface XSourceStats {
  /** True while a stream connection is open. */
  connected: boolean;
  /** Successful stream connections so far. */
  connections: number;
  /** Times the source went on to reconnect after a drop or a failed attempt. */
  reconnects: number;
  /** Lines that were not JSON, not a post, or too long. */
  malformedLines: number;
  postsReceived: number;
  ruleAdds: number;
  ruleDeletes: number;
  /** Rules X refused (invalid, duplicate) or failed to delete. */
  ruleErrors: number;
  lastError: string | undefined;
}

/** The X filtered-stream source. */
export interface XSource extends Source {
  readonly kind: "x";
  readonly stats: Readonly<XSourceStats>;
  setTopics(topics: TopicRules): Promise<void>;
}

/** Creates the X source; nothing connects until `run` (stream) or `setTopics` (rules). */
export function createXSource(options: XSourceOptions): XSource {
  return new XStreamSource(options);
}

/**
 * twitter-api-v2 1.29's `cloneWithPrefix` calls a class constructor without
 * `new` and throws; setting the prefix from a subclass is the working equivalent.
 */
class PrefixedV2Client extends TwitterApiv2 {
  constructor(base: TwitterApi, prefix: string) {
    super(base);
    this.setPrefix(prefix);
  }
}

type Ending = { kind: "aborted" } | { kind: XFailureKind; reason: string };

/** Mutable per-connection state (an object, so closures and the loop see one value). */
interface ConnectionState {
  ending: Ending | undefined;
  /** Delivered at least one complete line: the backoff resets after it. */
  healthy: boolean;
  paused: boolean;
}

const DEFAULT_ORIGIN = "https://api.x.com";
const LOG_INTERVAL_MS = 10_000;

class XStreamSource implements XSource {
  readonly kind = "x";
  readonly stats: XSourceStats = {
    connected: false,
    connections: 0,
    reconnects: 0,
    malformedLines: 0,
    postsReceived: 0,
    ruleAdds: 0,
    ruleDeletes: 0,
    ruleErrors: 0,
    lastError: undefined,
  };

  private readonly logger: Logger;
  private readonly timing: XSourceTiming;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly maxLineBytes: number;
  private readonly maxBatchSize: number;
  private readonly maxQueuedPosts: number;
  /** The stream has its own agent so a pending connect can be cut by destroying its socket. */
  private readonly streamAgent: HttpAgent;
  private readonly streamClient: TwitterApiv2;
  private readonly rulesApi: RulesApi;
  private rulesChain: Promise<void> = Promise.resolve();
  private running = false;
  private readonly logThrottle = new Map<string, { at: number; suppressed: number }>();

  constructor(options: XSourceOptions) {
    this.logger = options.logger;
    this.timing = {
      ...DEFAULT_X_BACKOFF,
      stallTimeoutMs: 20_000,
      requestTimeoutMs: 30_000,
      ...options.timing,
    };
    this.sleep = options.sleep ?? abortableSleep;
    this.maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
    this.maxBatchSize = options.maxBatchSize ?? 100;
    this.maxQueuedPosts = options.maxQueuedPosts ?? 1000;

    const origin = (options.baseUrl ?? DEFAULT_ORIGIN).replace(/\/+$/, "");
    // twitter-api-v2 sends through node:https; an http agent is what lets it speak plain http.
    const plainHttp = origin.startsWith("http:");
    this.streamAgent = plainHttp ? new HttpAgent() : new HttpsAgent();
    const prefix = `${origin}/2/`;
    this.streamClient = new PrefixedV2Client(
      new TwitterApi(options.bearerToken, { httpAgent: this.streamAgent }),
      prefix,
    );
    const restClient = new PrefixedV2Client(
      new TwitterApi(options.bearerToken, plainHttp ? { httpAgent: new HttpAgent() } : {}),
      prefix,
    );
    const timeout = this.timing.requestTimeoutMs;
    const rulesPath = "tweets/search/stream/rules";
    this.rulesApi = {
      list: () => restClient.get<unknown>(rulesPath, undefined, { timeout }),
      add: (rules: WantedRule[]) =>
        acceptRuleRejection(restClient.post<unknown>(rulesPath, { add: rules }, { timeout })),
      delete: (ids: string[]) =>
        acceptRuleRejection(restClient.post<unknown>(rulesPath, { delete: { ids } }, { timeout })),
    };
  }

  setTopics(topics: TopicRules): Promise<void> {
    const snapshot = new Map(topics);
    // One sync at a time, in call order, so the last catalogue always wins.
    const sync = this.rulesChain.then(() =>
      syncRules(this.rulesApi, snapshot, { logger: this.logger, stats: this.stats }),
    );
    this.rulesChain = sync.catch(() => undefined);
    return sync.catch((error: unknown) => {
      this.stats.lastError = `rules sync: ${messageOf(error)}`;
      this.logger.warn({ err: error }, "could not sync X stream rules");
      throw error;
    });
  }

  async run(emit: Emit, signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error("the X source is already running");
    this.running = true;
    const backoff = new XBackoff(this.timing);
    try {
      while (!signal.aborted) {
        const { ending, healthy } = await this.connectAndConsume(emit, signal);
        if (ending.kind === "aborted") break;
        this.stats.lastError = ending.reason;
        // X: reconnect at once after an established connection drops; back off
        // only when reconnecting fails (429 always backs off).
        if (healthy) backoff.reset();
        const delayMs = healthy && ending.kind !== "rateLimit" ? 0 : backoff.next(ending.kind);
        this.stats.reconnects++;
        this.logFailure(ending, delayMs);
        await this.sleep(delayMs, signal);
      }
    } finally {
      this.running = false;
      this.stats.connected = false;
    }
  }

  private async connectAndConsume(
    emit: Emit,
    signal: AbortSignal,
  ): Promise<{ ending: Ending; healthy: boolean }> {
    const stream = this.streamClient.searchStream({
      autoConnect: false,
      "tweet.fields": ["id", "text", "author_id", "created_at", "lang"],
      expansions: ["author_id"],
      "user.fields": ["id", "username"],
    });
    const attempt = { timedOut: false };
    const cancel = () => {
      this.destroyStreamSockets();
    };
    const timer = setTimeout(() => {
      attempt.timedOut = true;
      cancel();
    }, this.timing.stallTimeoutMs);
    signal.addEventListener("abort", cancel, { once: true });
    try {
      // twitter-api-v2's own reconnect and keep-alive timer are off: neither
      // follows X's policy, so the loop in `run` does both.
      await stream.connect({ autoReconnect: false, keepAliveTimeout: "disable" });
    } catch (error) {
      if (signal.aborted) return { ending: { kind: "aborted" }, healthy: false };
      const ending: Ending = attempt.timedOut
        ? { kind: "network", reason: `no response within ${this.timing.stallTimeoutMs} ms` }
        : classifyConnectError(error);
      return { ending, healthy: false };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", cancel);
    }
    this.stats.connected = true;
    this.stats.connections++;
    this.logger.info({ connections: this.stats.connections }, "X stream connected");
    try {
      return await this.consume(stream, emit, signal);
    } finally {
      this.stats.connected = false;
    }
  }

  /** Hands posts on in batches until the connection ends; resolves with why it ended. */
  private async consume(
    stream: TweetStream,
    emit: Emit,
    signal: AbortSignal,
  ): Promise<{ ending: Ending; healthy: boolean }> {
    const state: ConnectionState = { ending: undefined, healthy: false, paused: false };
    const queue: RawPost[] = [];
    let wake: (() => void) | undefined;
    const notify = () => {
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };

    let stallTimer: NodeJS.Timeout | undefined;
    const disarmStall = () => {
      clearTimeout(stallTimer);
      stallTimer = undefined;
    };
    const end = (ending: Ending) => {
      if (state.ending) return;
      state.ending = ending;
      disarmStall();
      stream.close();
      notify();
    };
    const stallMs = this.timing.stallTimeoutMs;
    const armStall = () => {
      if (stallTimer) stallTimer.refresh();
      else
        stallTimer = setTimeout(() => {
          end({ kind: "network", reason: `stalled: no data or keep-alive for ${stallMs} ms` });
        }, stallMs);
    };
    const sawLine = () => {
      state.healthy = true;
      if (!state.paused && !state.ending) armStall();
    };

    const response = responseOf(stream);
    if (response) {
      // twitter-api-v2 turns each Buffer chunk into a string on its own, which
      // breaks characters split across chunks; decoding here fixes that.
      response.setEncoding("utf8");
      let pendingChars = 0;
      response.on("data", (chunk: unknown) => {
        const text = typeof chunk === "string" ? chunk : String(chunk);
        const lastNewline = text.lastIndexOf("\n");
        if (lastNewline === -1) {
          pendingChars += text.length;
        } else {
          pendingChars = text.length - lastNewline - 1;
          sawLine();
        }
        if (pendingChars > this.maxLineBytes) {
          // The library buffers the partial line where we cannot trim it, so
          // the line goes with the connection.
          this.stats.malformedLines++;
          this.warnThrottled(
            "oversized",
            { maxLineBytes: this.maxLineBytes },
            "X stream line too long; dropped",
          );
          end({ kind: "network", reason: `line over ${this.maxLineBytes} characters` });
        }
      });
    }

    stream.on(ETwitterStreamEvent.Data, (payload: unknown) => {
      sawLine();
      const post = toRawPost(payload, new Date());
      if (!post) {
        this.stats.malformedLines++;
        this.warnThrottled("not-a-post", {}, "X stream line is not a post; skipped");
        return;
      }
      this.stats.postsReceived++;
      queue.push(post);
      if (response && !state.paused && queue.length >= this.maxQueuedPosts) {
        state.paused = true;
        response.pause();
        disarmStall();
      }
      notify();
    });
    stream.on(ETwitterStreamEvent.DataKeepAlive, sawLine);
    stream.on(ETwitterStreamEvent.TweetParseError, (error: Error) => {
      sawLine();
      this.stats.malformedLines++;
      this.warnThrottled("parse", { error: error.message }, "malformed X stream line; skipped");
    });
    stream.on(ETwitterStreamEvent.DataError, (payload: unknown) => {
      sawLine();
      const problems = problemsOf(payload);
      const reason = describeProblems(problems) || "unknown stream error";
      if (problems.some((p) => p.title === "operational-disconnect")) {
        end({ kind: "network", reason: `operational-disconnect: ${reason}` });
      } else if (problems.some(isTooManyConnections)) {
        end({ kind: "rateLimit", reason: `TooManyConnections: ${reason}` });
      } else {
        this.warnThrottled("stream-error", { reason }, "X sent an error in the stream");
      }
    });
    let closeReason = "connection closed by X";
    stream.on(ETwitterStreamEvent.ConnectionError, (error: Error) => {
      closeReason = `connection lost: ${error.message}`;
    });
    stream.on(ETwitterStreamEvent.ConnectionClosed, () => {
      end({ kind: "network", reason: closeReason });
    });
    const onAbort = () => {
      end({ kind: "aborted" });
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    armStall();

    try {
      for (;;) {
        if (signal.aborted) break;
        if (queue.length > 0) {
          const batch = queue.splice(0, this.maxBatchSize);
          if (state.paused && queue.length < this.maxQueuedPosts / 2) {
            state.paused = false;
            response?.resume();
            if (!state.ending) armStall();
          }
          await emit(batch);
          continue;
        }
        if (state.ending) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      // Only reached without an ending when emit threw: close before rethrowing.
      end({ kind: "aborted" });
    }
    return { ending: state.ending ?? { kind: "aborted" }, healthy: state.healthy };
  }

  private destroyStreamSockets(): void {
    for (const sockets of Object.values(this.streamAgent.sockets)) {
      for (const socket of sockets ?? []) socket.destroy();
    }
  }

  private logFailure(ending: Exclude<Ending, { kind: "aborted" }>, delayMs: number): void {
    const fields = {
      kind: ending.kind,
      reason: ending.reason,
      delayMs,
      reconnects: this.stats.reconnects,
    };
    if (ending.reason.includes("TooManyConnections")) {
      this.logger.error(
        fields,
        "X refuses the stream: too many connections (is another streamer using this app?); backing off",
      );
    } else if (/HTTP 40[13]\b/.test(ending.reason)) {
      this.logger.error(fields, "X rejects the bearer token or its access level; retrying");
    } else {
      this.logger.warn(fields, "X stream disconnected; reconnecting");
    }
  }

  /** At most one warning per kind every 10 s, with how many were held back. */
  private warnThrottled(key: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const entry = this.logThrottle.get(key);
    if (entry && now - entry.at < LOG_INTERVAL_MS) {
      entry.suppressed++;
      return;
    }
    this.logger.warn(
      { ...fields, suppressed: entry?.suppressed ?? 0, malformedLines: this.stats.malformedLines },
      message,
    );
    this.logThrottle.set(key, { at: now, suppressed: 0 });
  }
}

/** Which backoff a failed connection attempt calls for, and a short reason. */
function classifyConnectError(error: unknown): { kind: XFailureKind; reason: string } {
  if (error instanceof ApiResponseError) {
    const problems = problemsOf(error.data);
    const detail = describeProblems(problems) || error.message;
    if (error.code === 429) {
      const tooMany = problems.some(isTooManyConnections) ? " TooManyConnections" : "";
      return { kind: "rateLimit", reason: `HTTP 429${tooMany}: ${detail}` };
    }
    return { kind: "http", reason: `HTTP ${error.code}: ${detail}` };
  }
  if (error instanceof ApiPartialResponseError) {
    const status = error.response.statusCode ?? 0;
    return {
      kind: status === 429 ? "rateLimit" : "http",
      reason: `HTTP ${status}: ${error.message}`,
    };
  }
  if (error instanceof ApiRequestError) {
    return { kind: "network", reason: requestErrorMessage(error) };
  }
  return { kind: "network", reason: messageOf(error) };
}

/** X answers a batch with a bad rule by 400 in some cases; treat that like a 200 listing errors. */
async function acceptRuleRejection(request: Promise<unknown>): Promise<unknown> {
  try {
    return await request;
  } catch (error) {
    if (
      error instanceof ApiResponseError &&
      error.code === 400 &&
      problemsOf(error.data).some((problem) => problem.value !== undefined)
    ) {
      return error.data;
    }
    throw error;
  }
}

/**
 * twitter-api-v2 keeps the decoded response in a protected field; reading it
 * (checked at runtime) lets the source decode UTF-8 across chunks, bound line
 * length and see every line ending, which the library's events do not expose.
 */
function responseOf(stream: TweetStream): Readable | undefined {
  const response: unknown = Reflect.get(stream, "res");
  return response instanceof Readable ? response : undefined;
}

/**
 * twitter-api-v2 1.29 stores the cause of an ApiRequestError as `_options.error`
 * while its `requestError` getter reads `_options.requestError` (always
 * undefined), so the cause is read where it really is.
 */
function requestErrorMessage(error: ApiRequestError): string {
  const options: unknown = Reflect.get(error, "_options");
  if (typeof options === "object" && options !== null && "error" in options) {
    const cause = options.error;
    if (cause instanceof Error) return cause.message;
  }
  return error.message;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
