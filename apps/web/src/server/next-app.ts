// The Next.js dashboard behind our own node:http server. The server owns the
// `upgrade` event (graphql-ws lives at /graphql), so Next never sees it.
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import next from "next";
import { TweetreamError } from "@tweetream/shared";

export interface NextHandlerOptions {
  /** Development mode: compiles on demand and serves hot reloading. */
  dev: boolean;
  /** The Next.js project directory (apps/web). */
  dir: string;
}

export interface NextHandler {
  /** Serves one HTTP request (every path the server does not handle itself). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /**
   * Hands Next a WebSocket upgrade that is not /graphql. Only dev mode uses one
   * (hot reloading at /_next/...); otherwise the socket is refused with 404.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/**
 * The methods the dashboard answers. It defines no Server Functions (Server
 * Actions), so nothing legitimate POSTs to a page; refusing every other method
 * keeps requests away from Next's action handler, which deserializes the body
 * of a POST carrying a `Next-Action` header or a form, and which React and
 * Next.js advisories have found open to denial of service more than once.
 * Dev mode keeps Next's own tooling routes (`/__nextjs...`, the error overlay).
 */
const PAGE_METHODS = ["GET", "HEAD"];

/** The command that builds the dashboard for production. */
export const BUILD_COMMAND = "npm run build -w @tweetream/web";

/**
 * Prepares the dashboard. In production (`dev: false`) it serves the output of
 * `next build` and throws if there is none.
 */
export async function createNextHandler(options: NextHandlerOptions): Promise<NextHandler> {
  const dir = path.resolve(options.dir);
  if (!options.dev && !existsSync(path.join(dir, ".next", "BUILD_ID"))) {
    throw new TweetreamError(
      `the dashboard is not built (no ${path.join(dir, ".next", "BUILD_ID")}): run \`${BUILD_COMMAND}\` first`,
      { retriable: false },
    );
  }
  const app = await prepare(dir, options.dev);
  return {
    handle: (request, response) => {
      const tooling = options.dev && request.url?.startsWith("/__nextjs") === true;
      if (!PAGE_METHODS.includes(request.method ?? "") && !tooling) {
        response.writeHead(405, { allow: PAGE_METHODS.join(", "), "content-type": "text/plain" });
        response.end(`the dashboard answers ${PAGE_METHODS.join(" and ")} only\n`);
        return Promise.resolve();
      }
      return app.handle(request, response);
    },
    handleUpgrade(request, socket, head) {
      if (options.dev && app.upgrades.listenerCount("upgrade") > 0) {
        app.upgrades.emit("upgrade", request, socket, head);
        return;
      }
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
    },
    close: async () => {
      // Next caches its server per directory for the life of the process and a
      // closed one answers every request with 500, so a production app is kept
      // for the next server in this process (tests restart servers). Closing
      // only awaits `after()` callbacks, which the dashboard does not use.
      if (options.dev) {
        preparedApps.delete(key(dir, true));
        await app.close();
      }
    },
  };
}

interface PreparedApp {
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** Where Next listens for upgrades (never a listening server). */
  upgrades: Server;
  close(): Promise<void>;
}

const preparedApps = new Map<string, Promise<PreparedApp>>();
const key = (dir: string, dev: boolean) => `${dev ? "dev" : "prod"}:${dir}`;

function prepare(dir: string, dev: boolean): Promise<PreparedApp> {
  let app = preparedApps.get(key(dir, dev));
  if (!app) {
    app = (async () => {
      // Next attaches its own `upgrade` listener to the server of the first
      // request it handles, which would race graphql-ws for /graphql. Giving it
      // a server that never listens keeps it off ours; we forward only the
      // upgrades it needs.
      const upgrades = createServer();
      const nextApp = next({ dev, dir, httpServer: upgrades, quiet: !dev });
      await nextApp.prepare();
      const handle = nextApp.getRequestHandler();
      return {
        handle: (request, response) => handle(request, response),
        upgrades,
        close: () => nextApp.close(),
      };
    })();
    preparedApps.set(key(dir, dev), app);
    app.catch(() => preparedApps.delete(key(dir, dev)));
  }
  return app;
}
