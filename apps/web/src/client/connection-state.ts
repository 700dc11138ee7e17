// The WebSocket's state as the header shows it, fed by graphql-ws events.
export type ConnectionState = "connecting" | "connected" | "reconnecting";

type Listener = (state: ConnectionState) => void;

/** A tiny observable of the connection state, for useSyncExternalStore and resume logic. */
export class ConnectionStateStore {
  #state: ConnectionState = "connecting";
  #everConnected = false;
  readonly #listeners = new Set<Listener>();

  get state(): ConnectionState {
    return this.#state;
  }

  onConnected(): void {
    this.#everConnected = true;
    this.#set("connected");
  }

  onClosed(): void {
    this.#set(this.#everConnected ? "reconnecting" : "connecting");
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(state: ConnectionState) {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}
