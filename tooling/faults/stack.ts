// The services of one fault scenario as real child processes, started by the
// one launcher (tooling/launcher) exactly as `npm start` starts them, so a
// fault can be a real `kill -9`. Each writes its log to `<dir>/<name>.log`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { ServiceProcess as Launched, describeExit } from "../launcher/service-process.ts";
import { freePort } from "../launcher/services.ts";
import { inheritedEnv } from "./env.ts";

const STOP_TIMEOUT_MS = 30_000;

export type ServiceKind = "web" | "classifier" | "streamer";

/** One service process; `start` again restarts it with the same settings and ports. */
export class ServiceProcess {
  readonly name: string;
  readonly kind: ServiceKind;
  /** web's public port (dashboard, /graphql); the others' /readyz port. */
  readonly port: number;
  readonly #process: Launched;
  readonly #logFile: string;
  /** Exits nobody asked for (a crash), with their exit codes. */
  readonly unexpectedExits: string[] = [];
  #expectingExit = false;

  constructor(name: string, kind: ServiceKind, port: number, env: NodeJS.ProcessEnv, dir: string) {
    this.name = name;
    this.kind = kind;
    this.port = port;
    this.#logFile = path.join(dir, `${name}.log`);
    this.#process = new Launched(kind, { env, label: name, output: { file: this.#logFile } });
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  get running(): boolean {
    return this.#process.running;
  }

  /** Starts the process and waits until it answers /readyz. */
  async start(): Promise<void> {
    this.#expectingExit = false;
    this.#process.start();
    void this.#process.exited.then((exit) => {
      if (!this.#expectingExit)
        this.unexpectedExits.push(`${this.name} exited (${describeExit(exit)})`);
    });
    await this.#process.waitUntilReady();
  }

  /** `kill -9`: no shutdown code runs, nothing is flushed or committed. */
  async kill9(): Promise<void> {
    this.#expectingExit = true;
    await this.#process.kill();
  }

  /** SIGTERM (graceful stop), SIGKILL if it has not exited after 30 s. */
  async stop(): Promise<void> {
    this.#expectingExit = true;
    await this.#process.stop(STOP_TIMEOUT_MS);
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
        WEB_HEALTH_PORT: String(await freePort()),
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
