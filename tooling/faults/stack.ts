// The services of one fault scenario as real child processes (the same entry
// points as `npm start`), so a fault can be a real `kill -9`. Each writes its
// log to `<dir>/<name>.log`.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { inheritedEnv, repoRoot } from "./env.ts";

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export type ServiceKind = "web" | "classifier" | "streamer";

const entries: Record<ServiceKind, string> = {
  web: "apps/web/src/main.ts",
  classifier: "apps/classifier/src/main.ts",
  streamer: "apps/streamer/src/main.ts",
};

/** A free TCP port on 127.0.0.1 (free when asked; the service binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** One service process; `restart` starts it again with the same settings and port. */
export class ServiceProcess {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly port: number;
  readonly #env: NodeJS.ProcessEnv;
  readonly #logFile: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  /** Exits nobody asked for (a crash), with their exit codes. */
  readonly unexpectedExits: string[] = [];
  #expectingExit = false;

  constructor(name: string, kind: ServiceKind, port: number, env: NodeJS.ProcessEnv, dir: string) {
    this.name = name;
    this.kind = kind;
    this.port = port;
    this.#env = env;
    this.#logFile = path.join(dir, `${name}.log`);
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child?.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the process and waits until it answers /readyz. */
  async start(): Promise<void> {
    const log = createWriteStream(this.#logFile, { flags: "a" });
    const child = spawn(process.execPath, ["--import", "tsx", entries[this.kind]], {
      cwd: repoRoot,
      env: this.#env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    this.#child = child;
    this.#expectingExit = false;
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        if (!this.#expectingExit) {
          this.unexpectedExits.push(`${this.name} exited (${signal ?? String(code)})`);
        }
        log.end();
        resolve();
      });
    });
    await this.#waitUntilReady();
  }

  async #waitUntilReady(): Promise<void> {
    const url = `http://127.0.0.1:${String(this.port)}/readyz`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = "no answer";
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(`${this.name} exited before it was ready; see ${this.#logFile}`);
      }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
        if (response.ok) return;
        last = `${String(response.status)} ${await response.text()}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(250);
    }
    throw new Error(`${this.name} not ready after ${READY_TIMEOUT_MS / 1000}s (${last})`);
  }

  /** `kill -9`: no shutdown code runs, nothing is flushed or committed. */
  async kill9(): Promise<void> {
    this.#expectingExit = true;
    this.#child?.kill("SIGKILL");
    await this.#exited;
  }

  /** SIGTERM (graceful stop), SIGKILL if it has not exited after 30 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#expectingExit = true;
    this.#child?.kill("SIGTERM");
    const timer = new AbortController();
    const result = await Promise.race([
      this.#exited.then(() => "exited" as const),
      sleep(STOP_TIMEOUT_MS, "timeout" as const, { signal: timer.signal }).catch(
        () => "exited" as const,
      ),
    ]);
    timer.abort();
    if (result === "timeout") {
      this.#child?.kill("SIGKILL");
      await this.#exited;
    }
  }

  /** Log lines written so far (to check that retry logging stays bounded). */
  logLines(): number {
    try {
      return readFileSync(this.#logFile, "utf8").split("\n").length - 1;
    } catch {
      return 0;
    }
  }
}

export interface StackOptions {
  brokers: string;
  /** Kafka topic prefix of this deployment. */
  prefix: string;
  /** Working directory: logs, catalogue, corpus, checkpoint. */
  dir: string;
  adminToken: string;
  corpusPath: string;
  /** Posts per second of the file source. */
  rate: number;
  /** Replication factor of the topics the services create (3 on the cluster, 1 on a single broker). */
  replicationFactor: number;
}

/** Builds the services of one deployment; every process it made is stopped by `stopAll`. */
export class Stack {
  readonly services: ServiceProcess[] = [];
  readonly #options: StackOptions;

  constructor(options: StackOptions) {
    this.#options = options;
  }

  get checkpointPath(): string {
    return path.join(this.#options.dir, "streamer.checkpoint.json");
  }

  /** Creates, starts and registers a service named `name`. */
  async add(kind: ServiceKind, name: string): Promise<ServiceProcess> {
    const { brokers, prefix, dir, adminToken, corpusPath, rate, replicationFactor } = this.#options;
    const port = await freePort();
    const common = {
      ...inheritedEnv(),
      NODE_ENV: "test" as const,
      LOG_LEVEL: "warn",
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: "3",
      KAFKA_REPLICATION_FACTOR: String(replicationFactor),
    };
    const own: Record<ServiceKind, Record<string, string>> = {
      web: {
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${path.join(dir, "catalogue.db")}`,
        ADMIN_TOKEN: adminToken,
        WEB_DASHBOARD: "off",
      },
      classifier: { CLASSIFIER_HEALTH_PORT: String(port) },
      streamer: {
        STREAMER_HEALTH_PORT: String(port),
        STREAMER_SOURCE: "file",
        FILE_PATH: corpusPath,
        FILE_RATE: String(rate),
        FILE_CHECKPOINT_PATH: this.checkpointPath,
      },
    };
    const service = new ServiceProcess(name, kind, port, { ...common, ...own[kind] }, dir);
    this.services.push(service);
    await service.start();
    return service;
  }

  get(name: string): ServiceProcess {
    const service = this.services.find((s) => s.name === name);
    if (!service) throw new Error(`no service ${name}`);
    return service;
  }

  /** Streamer first (nothing new enters), then the rest. */
  async stopAll(): Promise<void> {
    const order: ServiceKind[] = ["streamer", "classifier", "web"];
    for (const kind of order) {
      await Promise.all(this.services.filter((s) => s.kind === kind).map((s) => s.stop()));
    }
  }
}
