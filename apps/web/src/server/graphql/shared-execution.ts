// Subscription events executed once per post and query shape, not once per
// subscriber. Thousands of dashboards subscribe to the same topic with the same
// selection; graphql-js would otherwise run the whole selection for each of
// them on every post. The hub hands every subscriber the same TopicPost object,
// so a result cached on that object (in a WeakMap, gone with the item) serves
// every subscriber whose query selects the same fields. Arguments of the root
// field (topic, labels, after) only decide which events a subscriber gets, so
// they may differ; a query that uses variables anywhere else is executed per
// subscriber, as usual. For `tweetAdded` the result is also serialised once
// and written by the gateway itself (ws-frames.ts, post-feed.ts); the other
// subscriptions' messages are written by graphql-ws. Those bytes are kept for
// the newest RENDERED_ITEMS posts rendered, not for as long as the history
// keeps a post: subscribers that keep up all take a post within moments of
// each other, and one that resumes far back renders what it reads again.
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  Kind,
  OperationTypeNode,
  print,
  visit,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
} from "graphql";
import { LRUCache } from "lru-cache";
import type { TopicPost } from "../hub/index.ts";
import type { GatewayContext } from "./context.ts";
import { replayedItems } from "../history/replay.ts";
import { PostFeed } from "./post-feed.ts";
import { frameSink, type OperationSocket } from "./ws-frames.ts";

/**
 * Posts whose `next` payloads are kept (per selection). At 100 bytes to a few
 * KiB a payload that is a few MiB to tens of MiB, however long the history;
 * at 8,000 posts/s, each in 3 topics, it holds the last 0.4 s of them.
 */
export const RENDERED_ITEMS = 10_000;

/** Counts for metrics and tests: events executed, and events served from the cache. */
export interface SharedExecutionStats {
  executed: number;
  shared: number;
}

/**
 * A replacement for graphql-ws's `subscribe` (graphql-js `subscribe`): same
 * results, but subscribers of the same selection share one execution per event.
 */
export function sharedSubscribe(stats: SharedExecutionStats) {
  const cache = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();
  /** `next` payload bytes per post and selection, for the posts rendered last. */
  const payloads = new LRUCache<TopicPost, Map<string, Buffer>>({ max: RENDERED_ITEMS });
  /** Selection keys per parsed document (the gateway reuses documents) and operation name. */
  const keys = new WeakMap<object, Map<string | null | undefined, string | undefined>>();
  const selectionKeyOf = (args: ExecutionArgs): string | undefined => {
    let byName = keys.get(args.document);
    if (!byName) {
      byName = new Map();
      keys.set(args.document, byName);
    }
    if (!byName.has(args.operationName)) byName.set(args.operationName, sharedSelectionKey(args));
    return byName.get(args.operationName);
  };

  return async (
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const key = selectionKeyOf(args);
    if (source instanceof PostFeed) {
      const socket = operationSocket(args);
      if (!socket) throw new Error("tweetAdded is served over WebSocket only");
      const serialise = (item: TopicPost): Buffer => {
        stats.executed++;
        const result = execute({ ...args, rootValue: { tweetAdded: item } });
        // Tweet's field resolvers are synchronous; a promise here is a bug.
        if (result instanceof Promise) throw new Error("a Tweet's fields must resolve at once");
        return Buffer.from(JSON.stringify(socket.payload(result)));
      };
      const render = (item: TopicPost): Buffer =>
        // A replayed post goes to one subscriber: caching it would only push out live ones.
        key === undefined || replayedItems.has(item)
          ? serialise(item)
          : cachedFor(payloads, item, key, stats, () => serialise(item));
      source.start(
        frameSink(socket, render, () => {
          source.resume();
        }),
      );
      return source;
    }
    const run = (event: unknown): ExecutionResult | Promise<ExecutionResult> => {
      stats.executed++;
      return execute({ ...args, rootValue: event });
    };
    const resultFor = (event: unknown) => {
      const anchor = key === undefined ? undefined : anchorOf(event);
      if (key === undefined || anchor === undefined) return run(event);
      return cachedFor(cache, anchor, key, stats, () => run(event));
    };
    const iterator = source[Symbol.asyncIterator]();
    // A plain iterator rather than an async generator: `return()` must reach
    // the source at once (releasing the hub subscription), not after the next event.
    const mapped: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]: () => mapped,
      next: async () => {
        const step = await iterator.next();
        return step.done ? step : { done: false, value: await resultFor(step.value) };
      },
      return: async () => {
        await iterator.return?.();
        return { done: true, value: undefined };
      },
      throw: async (error: unknown) => {
        await iterator.return?.();
        throw error;
      },
    };
    return mapped;
  };
}

/** What `cache` holds for `anchor` and `key`, made once by `make` (later calls count as shared). */
function cachedFor<K extends object, V>(
  cache: Pick<WeakMap<K, Map<string, V>>, "get" | "set">,
  anchor: K,
  key: string,
  stats: SharedExecutionStats,
  make: () => V,
): V {
  let values = cache.get(anchor);
  if (!values) {
    values = new Map<string, V>();
    cache.set(anchor, values);
  }
  const cached = values.get(key);
  if (cached !== undefined) {
    stats.shared++;
    return cached;
  }
  const made = make();
  values.set(key, made);
  return made;
}

/** The WebSocket operation's socket, which ws-server.ts puts in its context. */
function operationSocket(args: ExecutionArgs): OperationSocket | undefined {
  const context = args.contextValue as Partial<GatewayContext> | undefined;
  return context?.socket;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** The object a subscription event wraps (`{ tweetAdded: item }` → item), or undefined. */
function anchorOf(event: unknown): object | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const values: unknown[] = Object.values(event);
  const only = values[0];
  return values.length === 1 && typeof only === "object" && only !== null ? only : undefined;
}

/**
 * A key for the operation's selection, the same for every subscriber who
 * selects the same fields, or undefined when the result may depend on more
 * than the event (variables outside the root field's arguments).
 */
export function sharedSelectionKey(args: ExecutionArgs): string | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  const [root, ...others] = operation?.selectionSet.selections ?? [];
  if (
    operation?.operation !== OperationTypeNode.SUBSCRIPTION ||
    root?.kind !== Kind.FIELD ||
    others.length > 0
  ) {
    return undefined;
  }
  const withoutRootArguments = visit(args.document, {
    OperationDefinition: (node) =>
      node === operation ? { ...node, name: undefined, variableDefinitions: [] } : undefined,
    Field: (node: FieldNode) => (node === root ? { ...node, arguments: [] } : undefined),
  });
  const text = print(withoutRootArguments);
  return text.includes("$") ? undefined : text;
}
