// `npm start`: the whole system on one machine. Starts (or reuses) Kafka, then
// web (which migrates the catalogue and creates the core topics), classifier
// and streamer as child processes, waits until each answers /readyz, restarts
// one that dies (as systemd's Restart=on-failure would, tooling/launcher), and
// on Ctrl-C stops them in the reverse order (streamer first, so nothing new
// enters while the rest drains), then the broker if it started it.
import { randomBytes } from "node:crypto";
import { loadClassifierEnv } from "@tweetream/classifier";
import { ConfigError } from "@tweetream/shared";
import { loadStreamerEnv } from "@tweetream/streamer";
import { loadWebEnv } from "@tweetream/web";
import { prettyFactory } from "pino-pretty";
import { ensureBroker, stopBroker } from "./kafka/broker.ts";
import { ServiceProcess } from "./launcher/service-process.ts";
import { localUrl, SERVICE_NAMES } from "./launcher/services.ts";
import { Supervisor } from "./launcher/supervisor.ts";

const say = (message: string) => {
  process.stdout.write(`[tweetream] ${message}\n`);
};

/** Validates every app's configuration before anything starts; returns the dashboard's URL. */
function validate(): string {
  const web = loadWebEnv();
  loadClassifierEnv();
  loadStreamerEnv();
  return localUrl(web.HOST, web.PORT, "/");
}

const LOG_FORMATS = ["pretty", "json"] as const;

/**
 * How the services' JSON log lines are printed: LOG_FORMAT=pretty (readable
 * lines), json (as written, for a log shipper), or unset: pretty on a
 * terminal, json otherwise.
 */
function logFormat(): (typeof LOG_FORMATS)[number] {
  const value = process.env.LOG_FORMAT;
  if (value === undefined || value === "") return process.stdout.isTTY ? "pretty" : "json";
  const format = LOG_FORMATS.find((known) => known === value);
  if (format) return format;
  throw new ConfigError([
    `LOG_FORMAT: expected pretty or json, got "${value}" (unset: pretty on a terminal, json otherwise)`,
  ]);
}

function printer(name: string, pretty: ((line: string) => string) | undefined) {
  return (line: string, stream: "stdout" | "stderr") => {
    const text = pretty && line.startsWith("{") ? pretty(line).trimEnd() : line;
    (stream === "stdout" ? process.stdout : process.stderr).write(`[${name}] ${text}\n`);
  };
}

async function main(): Promise<number> {
  let dashboard: string;
  let pretty: ((line: string) => string) | undefined;
  try {
    dashboard = validate();
    pretty =
      logFormat() === "pretty"
        ? prettyFactory({
            colorize: process.stdout.isTTY,
            ignore: "pid,hostname,service,name",
            translateTime: "HH:MM:ss.l",
          })
        : undefined;
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
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string, failed: boolean) => {
    stopping ??= (async () => {
      const order = [...supervisor.started].reverse().map((service) => service.label);
      say(`${reason}; stopping in order: ${order.join(", ") || "nothing started"}`);
      const clean = (await supervisor.stop()) && !failed;
      if (broker.started) await stopBroker();
      say(clean ? "stopped cleanly" : "stopped, with errors (see above)");
      finish(clean ? 0 : 1);
    })();
  };
  // Own process groups (detached): a terminal's Ctrl-C reaches only this
  // supervisor, which then stops the services in order.
  const supervisor = new Supervisor({
    services: SERVICE_NAMES.map(
      (name) =>
        new ServiceProcess(name, { env, detached: true, output: { lines: printer(name, pretty) } }),
    ),
    say,
    onGiveUp: (service) => {
      stopAll(`${service.label} keeps failing`, true);
    },
  });

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: already stopping, please wait`);
      return;
    }
    stopAll(`${signal} received`, false);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    await supervisor.start();
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    stopAll("start-up failed", true);
    return finished;
  }
  if (!stopping) {
    say(
      `Tweetream is up. Dashboard: ${dashboard} ` +
        `(admin token: ${process.env.ADMIN_TOKEN ? "your ADMIN_TOKEN" : adminToken}). ` +
        "A service that dies is restarted; Ctrl-C stops everything.",
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
