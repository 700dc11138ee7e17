"use client";
// Makes the tab's Apollo Client and connection state available to every page.
// The client needs `window`, so it is created after mount; until then the
// pages render a placeholder (server rendering only produces the shell).
import { ApolloProvider } from "@apollo/client/react";
import {
  createContext,
  use,
  useEffect,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from "react";
import { createTransport, type Transport } from "./apollo-client.ts";
import type { ConnectionState } from "./connection-state.ts";

const TransportContext = createContext<Transport | null>(null);

/** Provides Apollo and the connection state once the page runs in the browser. */
export function TransportProvider({
  header,
  children,
}: {
  header: ReactNode;
  children: ReactNode;
}) {
  const [transport, setTransport] = useState<Transport | null>(null);
  useEffect(() => {
    const created = createTransport();
    setTransport(created);
    return () => {
      created.apollo.stop();
      // Disposing while still connecting rejects once the socket fails; nothing is left to do then.
      Promise.resolve(created.ws.dispose()).catch(() => undefined);
    };
  }, []);
  if (transport === null) {
    return (
      <>
        {header}
        <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
          <p className="text-sm text-slate-500 dark:text-slate-400">Loading…</p>
        </main>
      </>
    );
  }
  return (
    <TransportContext value={transport}>
      <ApolloProvider client={transport.apollo}>
        {header}
        <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">{children}</main>
      </ApolloProvider>
    </TransportContext>
  );
}

/** The tab's transport, or null before it exists. */
export function useTransport(): Transport | null {
  return use(TransportContext);
}

const noop = () => () => undefined;

/** The WebSocket's state; "connecting" until the transport exists. */
export function useConnectionState(): ConnectionState {
  const transport = useTransport();
  return useSyncExternalStore(
    transport ? (listener) => transport.connection.subscribe(listener) : noop,
    () => transport?.connection.state ?? "connecting",
    () => "connecting",
  );
}
