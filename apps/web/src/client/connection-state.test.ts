import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./apollo-client.ts";
import { ConnectionStateStore, type ConnectionState } from "./connection-state.ts";

describe("ConnectionStateStore", () => {
  it("says connecting until the first connection, then reconnecting after a drop", () => {
    const store = new ConnectionStateStore();
    const seen: ConnectionState[] = [];
    store.subscribe((state) => seen.push(state));
    expect(store.state).toBe("connecting");
    store.onClosed();
    store.onConnected();
    store.onClosed();
    store.onClosed();
    store.onConnected();
    expect(seen).toEqual(["connected", "reconnecting", "connected"]);
  });
});

describe("retryDelayMs", () => {
  it("backs off exponentially from half a second to at most ten, with jitter", () => {
    expect(retryDelayMs(0, 0)).toBe(250);
    expect(retryDelayMs(0, 1)).toBe(500);
    expect(retryDelayMs(3, 1)).toBe(4000);
    expect(retryDelayMs(30, 1)).toBe(10_000);
    expect(retryDelayMs(30, 0)).toBe(5000);
  });
});
