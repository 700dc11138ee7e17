// `npm start`: the whole system on one machine. Starts (or reuses) Kafka, then
// web (which migrates the catalogue and creates the core topics), classifier
// and streamer as child processes, waits until each answers /readyz, and on
// Ctrl-C stops them in the reverse order (streamer first, so nothing new
// enters while the rest drains), then the broker if it started it.
//
// Written by hand rather than with a process runner (concurrently, pm2)
// because the order of shutdown matters and those runners signal every child
// at once.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { loadClassifierEnv } from "@tweetream/classifier";
import { ConfigError } from "@tweetream/shared";
import { loadStreamerEnv } from "@tweetream/streamer";
import { loadWebEnv } from "@tweetream/web";
import { prettyFactory } from "pino-pretty";
import { ensureBroker, stopBroker } from "./kafka/kafka.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 40_000;

interface ServiceSpec {
  name: string;
  entry: string;
  readyUrl: string;
}

interface Running {
  spec: ServiceSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const say = (message: string) => {
  process.stdout.write(`[tweetream] ${message}\n`);
};

function localUrl(host: string, port: number, pathname: string): string {
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reachable}:${port}${pathname}`;
}

/** Validates every app's configuration before anything starts. */
function plan(): ServiceSpec[] {
  const web = loadWebEnv();
  const classifier = loadClassifierEnv();
  const streamer = loadStreamerEnv();
  return [
    {
      name: "web",
      entry: "apps/web/src/main.ts",
      readyUrl: localUrl(web.HOST, web.PORT, "/readyz"),
    },
    {
      name: "classifier",
      entry: "apps/classifier/src/main.ts",
      readyUrl: localUrl(
        classifier.CLASSIFIER_HEALTH_HOST,
        classifier.CLASSIFIER_HEALTH_PORT,
        "/readyz",
      ),
    },
    {
      name: "streamer",
      entry: "apps/streamer/src/main.ts",
      readyUrl: localUrl(streamer.STREAMER_HEALTH_HOST, streamer.STREAMER_HEALTH_PORT, "/readyz"),
    },
  ];
}

// On a terminal, the services' JSON log lines are shown readably.
const pretty = process.stdout.isTTY
  ? prettyFactory({
      colorize: true,
      ignore: "pid,hostname,service,name",
      translateTime: "HH:MM:ss.l",
    })
  : undefined;

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const text = pretty && line.startsWith("{") ? pretty(line).trimEnd() : line;
      out.write(`[${name}] ${text}\n`);
    }
  });
  stream.on("end", () => {
    if (pending) out.write(`[${name}] ${pending}\n`);
  });
}

function launch(spec: ServiceSpec, env: NodeJS.ProcessEnv): Running {
  // Own process group (detached): a terminal's Ctrl-C reaches only this
  // supervisor, which then stops the services in order. The IPC channel
  // makes a service stop by itself if the supervisor dies.
  const child = spawn(process.execPath, ["--import", "tsx", spec.entry], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  if (child.stdout) prefixLines(spec.name, child.stdout, process.stdout);
  if (child.stderr) prefixLines(spec.name, child.stderr, process.stderr);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => {
      resolve(signal ? null : code);
    });
  });
  return { spec, child, exited };
}

async function waitUntilReady(service: Running): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${service.spec.name} exited (code ${String(exitCode)}) before it was ready`);
    }
    try {
      const response = await fetch(service.spec.readyUrl, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(
    `${service.spec.name} was not ready after ${READY_TIMEOUT_MS / 1000}s (${service.spec.readyUrl}: ${last})`,
  );
}

async function stopService(service: Running): Promise<boolean> {
  const { child, spec } = service;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode === 0;
  say(`stopping ${spec.name} ...`);
  child.kill("SIGTERM");
  const timer = new AbortController();
  const code = await Promise.race([
    service.exited,
    sleep(STOP_TIMEOUT_MS, "timeout" as const, { signal: timer.signal }),
  ]);
  timer.abort();
  if (code === "timeout") {
    say(`${spec.name} did not stop within ${STOP_TIMEOUT_MS / 1000}s; killing it`);
    child.kill("SIGKILL");
    await service.exited;
    return false;
  }
  return code === 0;
}

async function main(): Promise<number> {
  let specs: ServiceSpec[];
  try {
    specs = plan();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const broker = await ensureBroker();
  // A local start serves the built dashboard (`npm start` builds it first), with
  // an admin token made up for this run unless one is set, and introspection on
  // for exploring the API.
  const adminToken = process.env.ADMIN_TOKEN ?? randomBytes(24).toString("base64url");
  const env = {
    ...process.env,
    // Next.js types NODE_ENV as always set; at run time it may not be.
    NODE_ENV: Object.hasOwn(process.env, "NODE_ENV") ? process.env.NODE_ENV : "production",
    GRAPHQL_INTROSPECTION: process.env.GRAPHQL_INTROSPECTION ?? "true",
    ADMIN_TOKEN: adminToken,
    KAFKA_BROKERS: broker.brokers,
  };
  const running: Running[] = [];
  let stopping: Promise<number> | undefined;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const stopAll = (reason: string, failed: boolean) => {
    stopping ??= (async () => {
      say(
        `${reason}; stopping in order: ${[...running]
          .reverse()
          .map((r) => r.spec.name)
          .join(", ")}`,
      );
      let clean = !failed;
      for (const service of [...running].reverse()) {
        if (!(await stopService(service))) clean = false;
      }
      if (broker.started) await stopBroker();
      say(clean ? "stopped cleanly" : "stopped, with errors (see above)");
      finish(clean ? 0 : 1);
      return clean ? 0 : 1;
    })();
    return stopping;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: already stopping, please wait`);
      return;
    }
    void stopAll(`${signal} received`, false);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    for (const spec of specs) {
      if (stopping) break;
      say(`starting ${spec.name} ...`);
      const service = launch(spec, env);
      running.push(service);
      void service.exited.then((code) => {
        if (!stopping)
          void stopAll(`${spec.name} exited unexpectedly (code ${String(code)})`, true);
      });
      await waitUntilReady(service);
      say(`${spec.name} is ready (pid ${String(service.child.pid)})`);
    }
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    return stopAll("start-up failed", true);
  }
  if (!stopping) {
    const web = specs[0];
    say(
      `Tweetream is up. Dashboard: ${web?.readyUrl.replace(/\/readyz$/, "/") ?? "?"} ` +
        `(admin token: ${process.env.ADMIN_TOKEN ? "your ADMIN_TOKEN" : adminToken}). Ctrl-C stops everything.`,
    );
  }
  return finished;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`[tweetream] ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
