import { makeExecutableSchema } from "@graphql-tools/schema";
import { parse, type ExecutionArgs, type ExecutionResult } from "graphql";
import { describe, expect, it } from "vitest";
import { PushIterator } from "./push-iterator.ts";
import {
  sharedSelectionKey,
  sharedSubscribe,
  type SharedExecutionStats,
} from "./shared-execution.ts";

interface Item {
  id: string;
  text: string;
}

// A real schema, executed by graphql-js: one subscription whose events wrap
// the same Item object for every subscriber, as the post hub does.
const streams: PushIterator<{ added: Item }>[] = [];
let resolved = 0;
const schema = makeExecutableSchema({
  typeDefs: `
    type Item { id: ID!, text: String!, shout(times: Int): String! }
    type Query { ok: Boolean }
    type Subscription { added(topic: String!, after: String): Item! }
  `,
  resolvers: {
    Item: {
      text: (item: Item) => {
        resolved++;
        return item.text;
      },
      shout: (item: Item, { times }: { times?: number | null }) => item.text.repeat(times ?? 1),
    },
    Subscription: {
      added: {
        subscribe: () => {
          const stream = new PushIterator<{ added: Item }>();
          streams.push(stream);
          return stream;
        },
      },
    },
  },
});

const args = (query: string, variableValues: Record<string, unknown> = {}): ExecutionArgs => ({
  schema,
  document: parse(query),
  variableValues,
});

async function subscribeAll(
  subscribe: ReturnType<typeof sharedSubscribe>,
  operations: ExecutionArgs[],
): Promise<AsyncIterableIterator<ExecutionResult>[]> {
  const iterators: AsyncIterableIterator<ExecutionResult>[] = [];
  for (const operation of operations) {
    const result = await subscribe(operation);
    if (!(Symbol.asyncIterator in result)) throw new Error(JSON.stringify(result));
    iterators.push(result);
  }
  return iterators;
}

describe("shared subscription execution", () => {
  it("executes each event once for every subscriber of the same selection", async () => {
    streams.length = 0;
    resolved = 0;
    const stats: SharedExecutionStats = { executed: 0, shared: 0 };
    const subscribe = sharedSubscribe(stats);
    const query =
      "subscription ($topic: String!, $after: String) { added(topic: $topic, after: $after) { id text } }";
    const iterators = await subscribeAll(
      subscribe,
      Array.from({ length: 5 }, (_, i) => args(query, { topic: "macet", after: `cursor-${i}` })),
    );
    const item: Item = { id: "1", text: "macet parah" };
    for (const stream of streams) stream.push({ added: item });
    const results = await Promise.all(iterators.map((it) => it.next()));

    expect(results.map((r): unknown => r.value)).toEqual(
      Array.from({ length: 5 }, () => ({ data: { added: { id: "1", text: "macet parah" } } })),
    );
    // One execution, and the same result object, for all five.
    expect(new Set(results.map((r): unknown => r.value)).size).toBe(1);
    expect(stats).toEqual({ executed: 1, shared: 4 });
    expect(resolved).toBe(1);
  });

  it("executes per subscriber when the selection differs or uses variables", async () => {
    streams.length = 0;
    const stats: SharedExecutionStats = { executed: 0, shared: 0 };
    const subscribe = sharedSubscribe(stats);
    const iterators = await subscribeAll(subscribe, [
      args('subscription { added(topic: "a") { id } }'),
      args('subscription { added(topic: "a") { id text } }'),
      args('subscription ($n: Int) { added(topic: "a") { shout(times: $n) } }', { n: 2 }),
      args('subscription ($n: Int) { added(topic: "a") { shout(times: $n) } }', { n: 3 }),
    ]);
    const item: Item = { id: "7", text: "ab" };
    for (const stream of streams) stream.push({ added: item });
    const values = (await Promise.all(iterators.map((it) => it.next()))).map(
      (r): unknown => r.value,
    );
    expect(values).toEqual([
      { data: { added: { id: "7" } } },
      { data: { added: { id: "7", text: "ab" } } },
      { data: { added: { shout: "abab" } } },
      { data: { added: { shout: "ababab" } } },
    ]);
    expect(stats).toEqual({ executed: 4, shared: 0 });
  });

  it("releases the source at once when a subscriber leaves", async () => {
    streams.length = 0;
    const subscribe = sharedSubscribe({ executed: 0, shared: 0 });
    const [iterator] = await subscribeAll(subscribe, [
      args('subscription { added(topic: "a") { id } }'),
    ]);
    let closed = false;
    streams[0]?.onClose(() => {
      closed = true;
    });
    // No event is pending: return() must still reach the source now.
    await iterator?.return?.();
    expect(closed).toBe(true);
  });

  it("keys a selection without the root field's arguments", () => {
    const key = (query: string) => sharedSelectionKey(args(query));
    expect(key('subscription A { added(topic: "x") { id } }')).toBe(
      key('subscription B($t: String!) { added(topic: $t, after: "c") { id } }'),
    );
    expect(key('subscription { added(topic: "x") { id } }')).not.toBe(
      key('subscription { added(topic: "x") { text } }'),
    );
    expect(
      key('subscription ($n: Int) { added(topic: "x") { shout(times: $n) } }'),
    ).toBeUndefined();
    expect(key("query { ok }")).toBeUndefined();
  });
});
