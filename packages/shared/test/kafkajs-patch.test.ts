// The kafkajs patch (patches/kafkajs+2.2.4.patch, applied by patch-package at
// install): a broker that lets a request time out is disconnected, as the Java
// client does, and is the last choice for metadata, for every client of the
// process, until it answers again. A frozen broker (SIGSTOP) is modelled here
// by what it looks like from the network: the kernel accepts its connections
// and nothing ever answers. The measured effect on a real frozen broker is the `broker-pause`
// scenario of `npm run faults` (docs/RELIABILITY.md); it needs the 3-node
// cluster, so it is not part of this suite.
import { createRequire } from "node:module";
import net from "node:net";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";

interface Request {
  request: object;
  response: object;
  requestTimeout?: number;
}
interface ConnectionPool {
  send(request: Request): Promise<unknown>;
  getConnection(index?: number): Promise<unknown>;
  isConnected(): boolean;
  destroy(): Promise<void>;
}
interface Broker {
  nodeId: number;
}
interface BrokerPool {
  brokers: Record<number, Broker>;
  findConnectedBroker(): Promise<Broker>;
}

const require = createRequire(import.meta.url);
// kafkajs' internals: the patched code is not reachable through its public API
// without a cluster to freeze.
const ConnectionPool = require("kafkajs/src/network/connectionPool.js") as new (
  options: object,
) => ConnectionPool;
const Broker = require("kafkajs/src/broker/index.js") as new (options: object) => Broker;
const BrokerPool = require("kafkajs/src/cluster/brokerPool.js") as new (
  options: object,
) => BrokerPool;
const createSocketFactory = require("kafkajs/src/network/socketFactory.js") as () => unknown;
const { createLogger, LEVELS } = require("kafkajs/src/loggers/index.js") as {
  createLogger: (options: object) => unknown;
  LEVELS: { NOTHING: number };
};
interface RequestDefinition {
  protocol: (options: { version: number }) => (args: object) => Request;
}
const { requests } = require("kafkajs/src/protocol/requests/index.js") as {
  requests: { Metadata: RequestDefinition; Fetch: RequestDefinition };
};

const REQUEST_TIMEOUT_MS = 300;
const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

/** A listening socket that accepts connections and never answers: a frozen broker, seen from the client. */
class SilentBroker {
  readonly server: net.Server;
  readonly sockets: net.Socket[] = [];
  closedByClient = 0;

  constructor() {
    this.server = net.createServer((socket) => {
      this.sockets.push(socket);
      socket.resume(); // read and drop the requests; never answer
      socket.on("error", () => undefined);
      socket.on("close", () => (this.closedByClient += 1));
    });
  }

  async listen() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  get port() {
    return (this.server.address() as net.AddressInfo).port;
  }

  async close() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let servers: SilentBroker[] = [];
const pools: ConnectionPool[] = [];

beforeEach(async () => {
  servers = await Promise.all([new SilentBroker().listen(), new SilentBroker().listen()]);
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
  await Promise.all(servers.map((s) => s.close()));
});

/** A kafkajs connection pool (one client's connections to one broker). */
function pool(
  { host = "127.0.0.1", port }: { host?: string; port: number },
  requestTimeout = REQUEST_TIMEOUT_MS,
): ConnectionPool {
  const created = new ConnectionPool({
    host,
    port,
    logger,
    socketFactory: createSocketFactory(),
    connectionTimeout: 1000,
    requestTimeout,
    clientId: "kafkajs-patch-test",
  });
  pools.push(created);
  return created;
}

const metadata = () => requests.Metadata.protocol({ version: 0 })({ topics: [] });
// A fetch goes over the pool's second connection and may wait 5 s on its own.
const fetch = () =>
  requests.Fetch.protocol({ version: 4 })({
    replicaId: -1,
    maxWaitTime: 5000,
    minBytes: 1,
    maxBytes: 1024,
    topics: [],
  });

describe("kafkajs after a request timeout", () => {
  it("closes every connection to the broker and fails the requests still waiting on it", async () => {
    const [frozen] = servers as [SilentBroker];
    const brokerPool = pool(frozen);
    const waitingFetch = brokerPool.send(fetch()).then(
      () => undefined,
      (error: unknown) => error,
    );
    const startedAt = Date.now();

    await expect(brokerPool.send(metadata())).rejects.toMatchObject({
      name: "KafkaJSRequestTimeoutError",
    });
    // Unpatched, both connections stay open: a frozen broker still counts as
    // connected, so metadata refreshes and retries keep choosing it.
    expect(brokerPool.isConnected()).toBe(false);
    // The fetch fails now, as "the broker went away", not after its own 5 s.
    expect(await waitingFetch).toMatchObject({
      name: "KafkaJSConnectionClosedError",
      host: "127.0.0.1",
      port: frozen.port,
    });
    expect(Date.now() - startedAt).toBeLessThan(4000);
    await expect.poll(() => frozen.closedByClient).toBe(2);
  });

  it("connects again for the next request, on a new socket", async () => {
    const [frozen] = servers as [SilentBroker];
    const brokerPool = pool(frozen);
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      await expect(brokerPool.send(metadata())).rejects.toMatchObject({
        name: "KafkaJSRequestTimeoutError",
      });
      expect(frozen.sockets).toHaveLength(attempt);
    }
  });

  it("gives a broker that timed out a short leash until it answers", async () => {
    const [frozen] = servers as [SilentBroker];
    // One client of the process times out on the frozen broker.
    await expect(pool(frozen).send(metadata())).rejects.toMatchObject({
      name: "KafkaJSRequestTimeoutError",
    });
    // Another one, with a 10 s request timeout, is cut off after about 2 s.
    const startedAt = Date.now();
    await expect(pool(frozen, 10_000).send(metadata())).rejects.toMatchObject({
      name: "KafkaJSConnectionClosedError",
    });
    const waitedMs = Date.now() - startedAt;
    expect(waitedMs).toBeGreaterThanOrEqual(1900);
    expect(waitedMs).toBeLessThan(8000);
  });

  /** Which brokers a client connected to both picks for metadata, 20 times. */
  async function metadataPicks(first: ConnectionPool, second: ConnectionPool) {
    await Promise.all([first.getConnection(), second.getConnection()]);
    const client = new BrokerPool({ connectionPoolBuilder: undefined, logger });
    client.brokers = {
      1: new Broker({ connectionPool: first, logger, nodeId: 1, versions: {} }),
      2: new Broker({ connectionPool: second, logger, nodeId: 2, versions: {} }),
    };
    const picked = new Set<number>();
    for (let i = 0; i < 20; i += 1) picked.add((await client.findConnectedBroker()).nodeId);
    // Unpatched: a connected broker at random, so both.
    return [...picked];
  }

  it("asks another broker for metadata than one that timed out, in every client", async () => {
    const [frozen, other] = servers as [SilentBroker, SilentBroker];
    // Another client of the process times out on the frozen broker.
    await expect(pool(frozen).send(metadata())).rejects.toMatchObject({
      name: "KafkaJSRequestTimeoutError",
    });
    expect(await metadataPicks(pool(frozen), pool(other))).toEqual([2]);
  });

  it("asks a broker that answered lately before one that went quiet", async () => {
    const [frozen] = servers as [SilentBroker];
    const [first] = inject("kafkaBrokers").split(",") as [string];
    const [host, port] = first.split(":") as [string, string];
    const live = { host, port: Number(port) };
    // The real test broker answers another client of the process.
    await pool(live).send(metadata());
    expect(await metadataPicks(pool(frozen), pool(live))).toEqual([2]);
  });
});

// kafkajs#1751: after every response the request queue set a timer of
// throttledUntil (-1) - Date.now(), a negative delay Node runs after 1 ms and
// Node 24 warns about (TimeoutNegativeWarning). Patched: no timer when nothing
// is pending and nothing throttled.
describe("request queue timers", () => {
  interface Queue {
    throttledUntil: number;
    pending: unknown[];
    throttleCheckTimeoutId: NodeJS.Timeout | null;
    scheduleCheckPendingRequests(): void;
  }
  const RequestQueue = require("kafkajs/src/network/requestQueue/index.js") as new (
    options: object,
  ) => Queue;
  const queue = () =>
    new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 1000, clientId: "t", logger });

  it("sets no timer when nothing is pending and nothing throttled", () => {
    const idle = queue();
    idle.scheduleCheckPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it("still checks a throttled queue when the throttle ends", () => {
    const throttled = queue();
    throttled.throttledUntil = Date.now() + 50;
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(throttled.throttleCheckTimeoutId ?? undefined);
  });
});
