// One Apollo Client per browser tab: queries and mutations over HTTP,
// subscriptions over graphql-ws, both at /graphql on the page's own origin.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { isSubscriptionOperation } from "@apollo/client/utilities";
import { createClient, type Client } from "graphql-ws";
import { getAdminToken, rejectAdminToken } from "./admin-token.ts";
import { ConnectionStateStore } from "./connection-state.ts";
import { formErrors } from "./graphql-errors.ts";

/** graphql-ws close code for a refused `connection_init` (a wrong admin token). */
const FORBIDDEN_CLOSE_CODE = 4403;

export interface Transport {
  apollo: ApolloClient;
  ws: Client;
  connection: ConnectionStateStore;
}

/** Randomised exponential backoff: 0.5 s doubling up to 10 s, so a restarted server is found quickly. */
export function retryDelayMs(retries: number, random = Math.random()): number {
  const base = Math.min(10_000, 500 * 2 ** retries);
  return base / 2 + (random * base) / 2;
}

function authorization(): Record<string, string> {
  const token = getAdminToken();
  return token === null ? {} : { authorization: `Bearer ${token}` };
}

/** Creates the tab's client; call only in the browser. */
export function createTransport(): Transport {
  const { protocol, host } = window.location;
  const connection = new ConnectionStateStore();
  const ws = createClient({
    url: `${protocol === "https:" ? "wss:" : "ws:"}//${host}/graphql`,
    // Connect eagerly so the header shows the real state even with no subscription.
    lazy: false,
    connectionParams: () => authorization(),
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, retryDelayMs(retries))),
    keepAlive: 15_000,
    on: {
      connected: () => {
        connection.onConnected();
      },
      closed: (event) => {
        connection.onClosed();
        // Retrying with a refused token would loop forever; continue anonymously.
        if (event instanceof CloseEvent && event.code === FORBIDDEN_CLOSE_CODE) rejectAdminToken();
      },
    },
  });
  // The gateway refuses every request that carries a wrong token, not only mutations.
  const rejectRefusedToken = new ErrorLink(({ error }) => {
    if (formErrors(error).unauthorized) rejectAdminToken();
  });
  const http = new SetContextLink((prevContext) => ({
    headers: { ...(prevContext.headers as Record<string, string> | undefined), ...authorization() },
  })).concat(new HttpLink({ uri: "/graphql" }));
  let link = ApolloLink.split(
    ({ query }) => isSubscriptionOperation(query),
    new GraphQLWsLink(ws),
    http,
  );
  link = rejectRefusedToken.concat(link);
  const apollo = new ApolloClient({ link, cache: new InMemoryCache() });
  return { apollo, ws, connection };
}
