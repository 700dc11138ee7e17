// Checks of the systemd units in deploy/systemd: systemd's own verifier and
// security review, then what Tweetream needs of them, the env examples and
// install.sh; and the readiness script the units run, for real, against
// local servers.
import { execFile, spawnSync, type ExecFileException } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { classifierEnvSchema, loadClassifierEnv } from "@tweetream/classifier";
import { loadStreamerEnv, streamerEnvSchema } from "@tweetream/streamer";
import { loadWebEnv, webEnvSchema } from "@tweetream/web";
import { afterAll, describe, expect, it } from "vitest";
import { SERVICE_NAMES, SERVICES } from "../../tooling/launcher/services.ts";
import { unknownVariables, type AppName } from "./app-env.ts";
import { readRepoFile, repoRoot } from "./repo-files.ts";

const DIR = "deploy/systemd";
const KAFKA_UNIT = "tweetream-kafka.service";
const TARGET = "tweetream.target";
const APP_UNITS = ["web", "streamer", "classifier"].map((app) => `tweetream-${app}.service`);
const UNIT_FILES = [KAFKA_UNIT, ...APP_UNITS, TARGET];
/** Where install.sh puts the node and java binaries the units run. */
const RUNTIME_BIN = "/opt/tweetream/bin/";
const INSTALLED_APP = "/opt/tweetream/app/";
const WAIT_READY = path.join(repoRoot, DIR, "wait-ready.mjs");

interface AppCase {
  app: AppName;
  /** The variable of the app's env schema that sets its health port. */
  portVar: string;
  defaultPort: number;
  /** Units besides the broker it starts after. */
  after: readonly string[];
  stateDir: string | undefined;
}

const APPS: readonly AppCase[] = [
  {
    app: "web",
    portVar: SERVICES.web.healthPortVar,
    defaultPort: webEnvSchema.shape.WEB_HEALTH_PORT.parse(undefined),
    // Web creates the core topics and migrates the catalogue.
    after: [],
    stateDir: "tweetream/web",
  },
  {
    app: "streamer",
    portVar: SERVICES.streamer.healthPortVar,
    defaultPort: streamerEnvSchema.shape.STREAMER_HEALTH_PORT.parse(undefined),
    after: ["tweetream-web.service"],
    stateDir: "tweetream/streamer",
  },
  {
    app: "classifier",
    portVar: SERVICES.classifier.healthPortVar,
    defaultPort: classifierEnvSchema.shape.CLASSIFIER_HEALTH_PORT.parse(undefined),
    after: ["tweetream-web.service"],
    stateDir: undefined,
  },
];

// ---------------------------------------------------------------------------
// A unit file parser, for systemd's syntax as far as these files use it:
// sections, `Key=value` (a key may repeat), `#`/`;` comment lines, and lines
// continued with a trailing backslash (comment lines inside are skipped).

type Unit = Map<string, Map<string, string[]>>;

function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || line.startsWith(";")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = "";
    if (full === "") continue;
    const header = /^\[(.+)\]$/.exec(full);
    if (header?.[1]) {
      section = new Map();
      unit.set(header[1], section);
      continue;
    }
    const equals = full.indexOf("=");
    if (!section || equals < 1) throw new Error(`not a unit file line: ${full}`);
    const key = full.slice(0, equals).trim();
    section.set(key, [...(section.get(key) ?? []), full.slice(equals + 1).trim()]);
  }
  return unit;
}

const units = new Map(UNIT_FILES.map((file) => [file, parseUnit(readRepoFile(`${DIR}/${file}`))]));

function unitOf(file: string): Unit {
  const unit = units.get(file);
  if (!unit) throw new Error(`no unit ${file}`);
  return unit;
}

/** Every value of a key (a key may repeat). */
function all(file: string, section: string, key: string): string[] {
  return unitOf(file).get(section)?.get(key) ?? [];
}

/** The value of a key that must appear once. */
function one(file: string, section: string, key: string): string {
  const values = all(file, section, key);
  if (values.length !== 1)
    throw new Error(`${file}: [${section}] ${key} appears ${values.length}x`);
  return values[0] ?? "";
}

/** Space-separated list settings (After=, Wants=, ...), over every occurrence. */
function list(file: string, section: string, key: string): string[] {
  return all(file, section, key).flatMap((value) => value.split(/\s+/).filter(Boolean));
}

/** Seconds of a time span such as `5s`, `90`, `2min`. */
function seconds(span: string): number {
  const match = /^(\d+)\s*(s|sec|min|m)?$/.exec(span);
  if (!match) throw new Error(`not a simple time span: ${span}`);
  return Number(match[1]) * (match[2] === "min" || match[2] === "m" ? 60 : 1);
}

/**
 * Splits a command line as systemd does for Exec*= (quotes group words, `$$`
 * is a literal `$`), refusing `$VAR`s, which systemd itself would expand.
 */
function commandWords(commandLine: string): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const match of commandLine.matchAll(pattern)) {
    const word = match[1] ?? match[2] ?? match[3] ?? "";
    if (word.replaceAll("$$", "").includes("$")) {
      throw new Error(`systemd would expand a variable in: ${word}`);
    }
    words.push(word.replaceAll("$$", "$"));
  }
  return words;
}

// ---------------------------------------------------------------------------
// systemd-analyze

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tweetream-systemd-"));
  scratch.push(dir);
  return dir;
}

/**
 * Copies the units into a scratch folder for systemd-analyze, which checks
 * that every command exists. Only /opt/tweetream/bin/ (node and java, which
 * install.sh puts there) is pointed at stand-ins; every other path is verified
 * as written. `edit` may break a copy on purpose.
 */
function renderUnits(edit: (file: string, text: string) => string = (_, text) => text): string {
  const dir = scratchDir();
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  for (const name of ["node", "java"]) {
    writeFileSync(path.join(bin, name), "#!/bin/sh\nexit 0\n");
    chmodSync(path.join(bin, name), 0o755);
  }
  for (const file of UNIT_FILES) {
    const text = readRepoFile(`${DIR}/${file}`);
    const rendered = text.replaceAll(RUNTIME_BIN, `${bin}/`);
    if (file !== TARGET)
      expect(rendered, `${file} runs nothing from ${RUNTIME_BIN}`).not.toBe(text);
    writeFileSync(path.join(dir, file), edit(file, rendered));
  }
  return dir;
}

function systemdAnalyze(args: string[]): { status: number | null; output: string } {
  const result = spawnSync("systemd-analyze", args, { encoding: "utf8" });
  if (result.error) {
    throw new Error(
      `systemd-analyze is needed to check the units (Debian: apt-get install systemd): ${result.error.message}`,
    );
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** `systemd-analyze verify` on a rendered folder: unit syntax, values, commands, references. */
function verify(dir: string, files = UNIT_FILES) {
  return systemdAnalyze([
    "verify",
    "--man=no",
    "--generators=no",
    ...files.map((file) => path.join(dir, file)),
  ]);
}

describe("systemd-analyze", () => {
  it("verifies every unit without an error or a warning", () => {
    expect(verify(renderUnits())).toEqual({ status: 0, output: "" });
  });

  it("verify reports broken units (the check is really applied)", () => {
    // A misspelled directive: systemd only warns and ignores it, so the check
    // above insists on no output at all, not just a zero exit status.
    const misspelled = renderUnits((file, text) =>
      file === "tweetream-web.service" ? text.replace("\nRestart=", "\nRestrat=") : text,
    );
    expect(verify(misspelled).output).toMatch(
      /tweetream-web\.service:\d+: Unknown key 'Restrat' in section \[Service\]/,
    );
    const badValue = renderUnits((file, text) =>
      file === KAFKA_UNIT ? text.replace("Type=exec", "Type=exex") : text,
    );
    expect(verify(badValue).output).toMatch(/Failed to parse service type.*exex/);
    const missingCommand = renderUnits((file, text) =>
      file === "tweetream-classifier.service"
        ? text.replace(/^ExecStart=\S+/m, "ExecStart=/nonexistent/node")
        : text,
    );
    const result = verify(missingCommand);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/Command \/nonexistent\/node is not executable/);
  });

  it("rates every service's sandbox at exposure 4.0 or better (systemd-analyze security)", () => {
    const dir = renderUnits();
    for (const file of [KAFKA_UNIT, ...APP_UNITS]) {
      const review = systemdAnalyze([
        "security",
        "--offline=yes",
        "--threshold=40",
        "--no-pager",
        path.join(dir, file),
      ]);
      expect(review.status, `${file}\n${review.output.split("\n").slice(-1).join("")}`).toBe(0);
    }
    // ...and the threshold fails a unit without the sandboxing.
    const bare = renderUnits((file, text) =>
      file === "tweetream-web.service"
        ? text.replace(
            /^(NoNewPrivileges|Protect\w+|Private\w+|Restrict\w+|CapabilityBoundingSet)=.*$/gm,
            "",
          )
        : text,
    );
    const review = systemdAnalyze([
      "security",
      "--offline=yes",
      "--threshold=40",
      "--no-pager",
      path.join(bare, "tweetream-web.service"),
    ]);
    expect(review.status).not.toBe(0);
  });
});

// ---------------------------------------------------------------------------
// What the units must say

describe("the app units", () => {
  it.each(APPS)("$app: restarts on failure, with a delay and a start limit", ({ app }) => {
    const unit = `tweetream-${app}.service`;
    expect(one(unit, "Service", "Restart")).toBe("on-failure");
    expect(seconds(one(unit, "Service", "RestartSec"))).toBeGreaterThanOrEqual(1);
    expect(seconds(one(unit, "Unit", "StartLimitIntervalSec"))).toBeGreaterThan(0);
    expect(Number(one(unit, "Unit", "StartLimitBurst"))).toBeGreaterThan(1);
    // stopOnSignals (packages/shared) exits by itself 30 s after SIGTERM.
    expect(seconds(one(unit, "Service", "TimeoutStopSec"))).toBeGreaterThan(30);
  });

  it.each(APPS)("$app: runs apps/$app/src/main.ts with tsx from the installed tree", ({ app }) => {
    const unit = `tweetream-${app}.service`;
    expect(one(unit, "Service", "Type")).toBe("exec");
    // The launcher's table (tooling/launcher/services.ts), which npm start follows.
    expect(one(unit, "Service", "ExecStart")).toBe(
      `${RUNTIME_BIN}node --import tsx ${SERVICES[app].entry}`,
    );
    // `--import tsx` resolves from the working directory: the repository root,
    // whose package.json has tsx, as `npm start` and docker/Dockerfile run it.
    expect(one(unit, "Service", "WorkingDirectory")).toBe(INSTALLED_APP.slice(0, -1));
    expect(readRepoFile("package.json")).toMatch(/"tsx": "/);
    expect(readRepoFile(`apps/${app}/src/main.ts`)).toMatch(/stopOnSignals/);
  });

  it("follows the launcher's table: health ports, and web started first", () => {
    for (const { app, defaultPort } of APPS) {
      expect(defaultPort, app).toBe(SERVICES[app].defaultHealthPort);
    }
    expect(SERVICE_NAMES[0]).toBe("web");
    for (const { app, after } of APPS) {
      expect(after.length === 0, app).toBe(app === "web");
    }
  });

  it.each(APPS)("$app: reads /etc/tweetream/$app.env as the tweetream user", ({ app }) => {
    const unit = `tweetream-${app}.service`;
    expect(one(unit, "Service", "EnvironmentFile")).toBe(`/etc/tweetream/${app}.env`);
    expect(one(unit, "Service", "User")).toBe("tweetream");
    expect(one(unit, "Service", "Group")).toBe("tweetream");
    expect(all(unit, "Service", "DynamicUser")).toEqual([]);
  });

  it.each(APPS)(
    "$app: is sandboxed, writing only to its own state directory",
    ({ app, stateDir }) => {
      const unit = `tweetream-${app}.service`;
      const expected = {
        NoNewPrivileges: "yes",
        ProtectSystem: "strict",
        ProtectHome: "yes",
        PrivateTmp: "yes",
        PrivateDevices: "yes",
        ProtectKernelTunables: "yes",
        ProtectControlGroups: "yes",
        RestrictSUIDSGID: "yes",
        LockPersonality: "yes",
        RestrictAddressFamilies: "AF_INET AF_INET6 AF_UNIX",
      };
      for (const [key, value] of Object.entries(expected)) {
        expect(one(unit, "Service", key), key).toBe(value);
      }
      // V8's JIT needs writable and executable memory.
      expect(all(unit, "Service", "MemoryDenyWriteExecute")).toEqual([]);
      expect(all(unit, "Service", "ReadWritePaths")).toEqual([]);
      expect(all(unit, "Service", "StateDirectory")).toEqual(stateDir ? [stateDir] : []);
    },
  );

  it.each(APPS)(
    "$app: starts after the broker (and web), stops with the target",
    ({ app, after }) => {
      const unit = `tweetream-${app}.service`;
      for (const dependency of [KAFKA_UNIT, ...after]) {
        expect(list(unit, "Unit", "After")).toContain(dependency);
        expect(list(unit, "Unit", "Wants")).toContain(dependency);
      }
      expect(list(unit, "Unit", "PartOf")).toEqual([TARGET]);
      expect(list(unit, "Install", "WantedBy")).toEqual([TARGET]);
    },
  );

  it.each(APPS)(
    "$app: counts as started once /readyz on $portVar answers (the command runs as systemd would)",
    async ({ app, portVar, defaultPort }) => {
      const unit = `tweetream-${app}.service`;
      const [shell, flag, script, ...rest] = commandWords(one(unit, "Service", "ExecStartPost"));
      expect([shell, flag, rest]).toEqual(["/bin/sh", "-c", []]);
      // The app's own variable, with the app's own default when the env file has none.
      expect(script).toContain(`http://127.0.0.1:\${${portVar}:-${defaultPort}}/readyz`);
      const timeout = Number(/wait-ready\.mjs "[^"]+" (\d+)/.exec(script ?? "")?.[1]);
      expect(timeout).toBeGreaterThan(0);
      expect(seconds(one(unit, "Service", "TimeoutStartSec"))).toBeGreaterThan(timeout);

      // Run it against a stand-in /readyz, from this checkout instead of /opt/tweetream.
      const paths: string[] = [];
      const server = createHttpServer((request, response) => {
        paths.push(request.url ?? "");
        response.writeHead(200).end("{}");
      });
      await listen(server);
      try {
        const command = (script ?? "")
          .replaceAll(`${RUNTIME_BIN}node`, process.execPath)
          .replaceAll(INSTALLED_APP, `${repoRoot}/`);
        const result = await run("/bin/sh", ["-c", command], {
          [portVar]: String(portOf(server)),
        });
        expect(result.code, result.stderr).toBe(0);
        expect(paths).toContain("/readyz");
      } finally {
        server.close();
      }
    },
  );
});

describe("the Kafka unit", () => {
  // The single broker (broker.ts) and how any node is configured and run (kraft-node.ts).
  const kafkaTool = ["tooling/kafka/broker.ts", "tooling/kafka/kraft-node.ts"]
    .map(readRepoFile)
    .join("\n");
  const properties = new Map(
    spawnSync("bash", [path.join(repoRoot, DIR, "install.sh"), "--print-kafka-config"], {
      encoding: "utf8",
    })
      .stdout.split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => {
        const [key = "", ...value] = line.split("=");
        return [key, value.join("=")] as const;
      }),
  );

  it("runs one KRaft broker+controller JVM with tooling/kafka's main classes and jars", () => {
    const start = one(KAFKA_UNIT, "Service", "ExecStart");
    expect(start).toMatch(
      new RegExp(
        `^${RUNTIME_BIN}java .* -cp /opt/tweetream/kafka/libs/\\* kafka\\.Kafka /etc/tweetream/kafka/server\\.properties$`,
      ),
    );
    const format = one(KAFKA_UNIT, "Service", "ExecStartPre");
    expect(format).toMatch(
      / -cp \/opt\/tweetream\/kafka\/libs\/\* kafka\.tools\.StorageTool format /,
    );
    expect(format).toContain("--cluster-id ${KAFKA_CLUSTER_ID}");
    expect(format).toContain("--config /etc/tweetream/kafka/server.properties");
    // Formatted as tooling/kafka formats its single broker: a one-node dynamic quorum.
    expect(format).toMatch(/ --standalone\b/);
    expect(format).toMatch(/ --ignore-formatted\b/);
    expect(kafkaTool).toContain('"kafka.tools.StorageTool"');
    expect(kafkaTool).toContain('"kafka.Kafka"');
    expect(kafkaTool).toContain('formatArgs: ["--standalone"]');
    expect(kafkaTool).toContain("${paths.libsDir}${path.sep}*");
    expect(one(KAFKA_UNIT, "Service", "EnvironmentFile")).toBe("/etc/tweetream/kafka.env");
    expect(one(KAFKA_UNIT, "Service", "User")).toBe("tweetream");
    // The JVM exits 128+15 after a clean shutdown on SIGTERM.
    expect(one(KAFKA_UNIT, "Service", "SuccessExitStatus")).toBe("143");
    expect(one(KAFKA_UNIT, "Service", "Restart")).toBe("on-failure");
    expect(list(KAFKA_UNIT, "Unit", "PartOf")).toEqual([TARGET]);
    expect(list(KAFKA_UNIT, "Install", "WantedBy")).toEqual([TARGET]);
    expect(all(KAFKA_UNIT, "Service", "MemoryDenyWriteExecute")).toEqual([]);
  });

  it("gets every setting tooling/kafka gives its single broker, its data in its state directory", () => {
    // The keys of serverProperties() and replicationSettings() in kraft-node.ts.
    const body = /function serverProperties[\s\S]*?\n(?:export )?function prepareNode/.exec(
      kafkaTool,
    )?.[0];
    const keys = [...(body ?? "").matchAll(/^\s+"?([a-z]+(?:\.[a-z]+)+|listeners)"?: /gm)].map(
      (match) => match[1],
    );
    expect(keys.length).toBeGreaterThan(20);
    // Only with more than one broker.
    const multiBroker = ["replica.lag.time.max.ms"];
    expect(
      keys.filter((key) => key !== undefined && !multiBroker.includes(key) && !properties.has(key)),
    ).toEqual([]);
    // ensureBroker's quorum for one node (`--standalone` wants bootstrap servers, not voters).
    expect(kafkaTool).toContain(
      '"controller.quorum.bootstrap.servers": `${host}:${controllerPort}`',
    );
    expect(properties.get("controller.quorum.bootstrap.servers")).toBe("127.0.0.1:9093");
    expect(properties.has("controller.quorum.voters")).toBe(false);
    expect(properties.get("process.roles")).toBe("broker,controller");
    expect(properties.get("default.replication.factor")).toBe("1");
    expect(properties.get("min.insync.replicas")).toBe("1");
    expect(properties.get("auto.create.topics.enable")).toBe("false");
    expect(one(KAFKA_UNIT, "Service", "StateDirectory")).toBe("tweetream/kafka");
    expect(properties.get("log.dirs")).toMatch(/^\/var\/lib\/tweetream\/kafka\//);
  });

  it("counts as started once the client listener answers Kafka requests", () => {
    const listener = /PLAINTEXT:\/\/([\d.]+:\d+)/.exec(properties.get("listeners") ?? "")?.[1];
    expect(listener).toBe("127.0.0.1:9092");
    const words = commandWords(one(KAFKA_UNIT, "Service", "ExecStartPost"));
    expect(words).toEqual([
      `${RUNTIME_BIN}node`,
      `${INSTALLED_APP}deploy/systemd/wait-ready.mjs`,
      `kafka://${listener}`,
      expect.stringMatching(/^\d+$/),
    ]);
    expect(seconds(one(KAFKA_UNIT, "Service", "TimeoutStartSec"))).toBeGreaterThan(
      Number(words[3]),
    );
  });
});

describe("tweetream.target", () => {
  it("wants the broker and the three apps, and is wanted at boot", () => {
    expect(list(TARGET, "Unit", "Wants").sort()).toEqual([KAFKA_UNIT, ...APP_UNITS].sort());
    expect(list(TARGET, "Install", "WantedBy")).toEqual(["multi-user.target"]);
  });

  it("is the whole set of units in deploy/systemd, and install.sh installs each", () => {
    const files = readdirSync(path.join(repoRoot, DIR)).filter((f) =>
      /\.(service|target)$/.test(f),
    );
    expect(files.sort()).toEqual([...UNIT_FILES].sort());
    const installList = /^readonly UNITS=\(([^)]*)\)/m.exec(readRepoFile(`${DIR}/install.sh`));
    expect(installList?.[1]?.split(/\s+/).filter(Boolean).sort()).toEqual([...UNIT_FILES].sort());
  });
});

// ---------------------------------------------------------------------------
// Env examples

/** `NAME=value` lines of an env example; `# NAME=value` (documented, off) too. */
function envLines(app: AppName): { name: string; value: string; commented: boolean }[] {
  return readRepoFile(`${DIR}/env/${app}.env.example`)
    .split("\n")
    .flatMap((line) => {
      const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      return match?.[2] ? [{ name: match[2], value: match[3] ?? "", commented: !!match[1] }] : [];
    });
}

function envOf(app: AppName): Record<string, string> {
  return Object.fromEntries(
    envLines(app)
      .filter((line) => !line.commented)
      .map((line) => [line.name, line.value]),
  );
}

describe("the env examples", () => {
  it.each(APPS)("$app: sets only variables the app reads", ({ app }) => {
    const names = envLines(app).map((line) => line.name);
    expect(names.length).toBeGreaterThan(5);
    expect(unknownVariables(app, names)).toEqual([]);
    expect(new Set(names).size, "no variable twice").toBe(names.length);
  });

  it.each(APPS)("$app: ships no secret, and no comment after a value", ({ app }) => {
    for (const { name, value } of envLines(app)) {
      if (/TOKEN|PASSWORD|SECRET|KEY/.test(name)) expect(value, name).toBe("");
      // EnvironmentFile= would take a trailing comment as part of the value.
      expect(value, name).not.toMatch(/\s#/);
      // A URL with a password in it.
      expect(value, name).not.toMatch(/\/\/[^/:@\s]+:[^@\s]+@/);
    }
    expect(readRepoFile(`${DIR}/env/${app}.env.example`)).not.toMatch(/^export /m);
  });

  it.each(APPS)(
    "$app: is a valid configuration, for the broker of tweetream-kafka.service",
    ({ app, portVar, defaultPort }) => {
      const env = envOf(app);
      expect(env.KAFKA_BROKERS).toBe("127.0.0.1:9092");
      expect(env.KAFKA_REPLICATION_FACTOR).toBe("1");
      // The unit's readiness check falls back to the same port.
      expect(env[portVar]).toBe(String(defaultPort));
      const load = { web: loadWebEnv, streamer: loadStreamerEnv, classifier: loadClassifierEnv }[
        app
      ];
      // install.sh fills in ADMIN_TOKEN.
      const filled = app === "web" ? { ...env, ADMIN_TOKEN: "0".repeat(64) } : env;
      expect(() => load(filled)).not.toThrow();
    },
  );

  it("web: production, its SQLite catalogue in web's state directory, an empty ADMIN_TOKEN", () => {
    const env = envOf("web");
    expect(env.NODE_ENV).toBe("production");
    expect(env.DATABASE_URL).toBe("file:/var/lib/tweetream/web/catalogue.db");
    expect(env.ADMIN_TOKEN).toBe("");
    // Without a token production refuses to start, so install.sh must fill it in.
    expect(() => loadWebEnv(env)).toThrow(/ADMIN_TOKEN/);
    expect(readRepoFile(`${DIR}/install.sh`)).toMatch(/openssl rand -hex 32/);
  });

  it("streamer: its checkpoint and cursor in streamer's state directory", () => {
    const env = envOf("streamer");
    expect(env.FILE_CHECKPOINT_PATH).toMatch(/^\/var\/lib\/tweetream\/streamer\/[^/]+$/);
    expect(env.JETSTREAM_CURSOR_PATH).toMatch(/^\/var\/lib\/tweetream\/streamer\/[^/]+$/);
  });
});

// ---------------------------------------------------------------------------
// install.sh

describe("install.sh", () => {
  const script = path.join(repoRoot, DIR, "install.sh");

  it("parses (bash -n) and is strict", () => {
    const result = spawnSync("bash", ["-n", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readRepoFile(`${DIR}/install.sh`)).toMatch(/^set -euo pipefail$/m);
  });

  const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
  it.runIf(shellcheck)("passes shellcheck (run when shellcheck is installed)", () => {
    const result = spawnSync("shellcheck", ["--shell=bash", script], { encoding: "utf8" });
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// wait-ready.mjs, for real

interface Run {
  code: number;
  stderr: string;
  ms: number;
}

/** Runs a command without blocking the event loop (the servers it talks to live here). */
async function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 },
      (error: ExecFileException | null, _stdout: string, stderr: string) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stderr, ms: Date.now() - startedAt });
      },
    );
  });
}

const waitReady = (target: string, timeoutSeconds: string) =>
  run(process.execPath, [WAIT_READY, target, timeoutSeconds]);

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<void> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
}

function portOf(server: Server | ReturnType<typeof createHttpServer>): number {
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (one that was just free). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await listen(server);
  const port = portOf(server);
  server.close();
  await once(server, "close");
  return port;
}

describe("wait-ready.mjs", () => {
  it("waits while /readyz answers 503 and exits 0 once it answers 200", async () => {
    let requests = 0;
    const server = createHttpServer((_request, response) => {
      requests += 1;
      response.writeHead(requests <= 3 ? 503 : 200).end();
    });
    await listen(server);
    try {
      const result = await waitReady(`http://127.0.0.1:${portOf(server)}/readyz`, "20");
      expect(result.code, result.stderr).toBe(0);
      expect(requests).toBe(4);
      // Three refusals, each followed by a pause before the next try.
      expect(result.ms).toBeGreaterThanOrEqual(1000);
      expect(result.stderr).toMatch(/\/readyz is ready after \d+\.\ds/);
    } finally {
      server.close();
    }
  });

  it("exits 1 when nothing answers within the timeout", async () => {
    const result = await waitReady(`http://127.0.0.1:${await closedPort()}/readyz`, "1");
    expect(result.code).toBe(1);
    expect(result.ms).toBeGreaterThanOrEqual(1000);
    expect(result.stderr).toMatch(/was not ready within 1s \(last: ECONNREFUSED\)/);
  });

  it("tcp:// is ready when the port accepts a connection", async () => {
    const server = createTcpServer((socket) => socket.end());
    await listen(server);
    try {
      expect((await waitReady(`tcp://127.0.0.1:${portOf(server)}`, "5")).code).toBe(0);
    } finally {
      server.close();
    }
    expect((await waitReady(`tcp://127.0.0.1:${await closedPort()}`, "1")).code).toBe(1);
  });

  it("kafka:// is ready when an ApiVersions request gets an error-free answer", async () => {
    let errorCode = 35; // UNSUPPORTED_VERSION, then 0
    const server = createTcpServer((socket) => {
      socket.once("data", (request) => {
        // size, api key 18 (ApiVersions), version, correlation id
        expect(request.readInt16BE(4)).toBe(18);
        const reply = Buffer.alloc(10);
        reply.writeInt32BE(6, 0);
        reply.writeInt32BE(request.readInt32BE(8), 4);
        reply.writeInt16BE(errorCode, 8);
        errorCode = 0;
        socket.end(reply);
      });
    });
    await listen(server);
    try {
      const result = await waitReady(`kafka://127.0.0.1:${portOf(server)}`, "10");
      expect(result.code, result.stderr).toBe(0);
      expect(errorCode).toBe(0);
    } finally {
      server.close();
    }
    // A listener that is not Kafka never counts as ready.
    const silent = createTcpServer(() => undefined);
    await listen(silent);
    try {
      expect((await waitReady(`kafka://127.0.0.1:${portOf(silent)}`, "1")).code).toBe(1);
    } finally {
      silent.close();
    }
  });

  it("exits 2 on bad arguments", async () => {
    for (const args of [[], ["http://127.0.0.1:1/readyz"], ["ftp://x:1", "5"], ["tcp://x", "5"]]) {
      const result = await run(process.execPath, [WAIT_READY, ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/usage: wait-ready\.mjs/);
    }
  });
});
