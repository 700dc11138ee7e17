// The Kafka jars: the version pinned in pom.xml, where the jars are cached,
// copying them from Maven Central with mvn (once per pom), and the Java that runs them.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { cacheDir, javaCommand } from "./env.ts";
import {
  KafkaToolError,
  defaultLog,
  elapsed,
  readText,
  toolDir,
  type LogOption,
} from "./shared.ts";

const pomFile = path.join(toolDir, "pom.xml");

/** The Kafka version pinned as `kafka.version` in pom.xml. */
export const kafkaVersion = readPinnedVersion();

// The pom is the single source of truth for the version: mvn resolves the jars
// from it, and this module only needs it to name the cache folder.
function readPinnedVersion(): string {
  const pom = fs.readFileSync(pomFile, "utf8");
  const version = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new KafkaToolError(`no <kafka.version> property in ${pomFile}`);
  return version;
}

export interface InstallPaths {
  cacheDir: string;
  installDir: string;
  libsDir: string;
  fetchedMarker: string;
}

/** Where this version's jars live under TWEETREAM_CACHE_DIR. */
export function installPaths(): InstallPaths {
  const cache = cacheDir();
  const installDir = path.join(cache, `kafka-${kafkaVersion}`);
  return {
    cacheDir: cache,
    installDir,
    libsDir: path.join(installDir, "libs"),
    fetchedMarker: path.join(installDir, ".fetched"),
  };
}

/** Copies the broker's jars from Maven Central into the cache (once per version). */
export async function fetchKafka({ log = defaultLog }: LogOption = {}) {
  const paths = installPaths();
  if (isFetched(paths)) {
    log(`Apache Kafka ${kafkaVersion} jars already in ${paths.libsDir}`);
    return { libsDir: paths.libsDir, fetched: false };
  }
  requireCommand("mvn", ["-v"], "Install Apache Maven 3.8+ (e.g. `apt-get install maven`)");
  log(`fetching Apache Kafka ${kafkaVersion} jars with mvn into ${paths.libsDir} ...`);
  const startedAt = Date.now();
  // Copy into a scratch folder and rename at the end so an interrupted fetch
  // never looks complete.
  const scratchDir = `${paths.libsDir}.partial-${process.pid}`;
  fs.rmSync(scratchDir, { recursive: true, force: true });
  fs.mkdirSync(paths.installDir, { recursive: true });
  const args = [
    "-q",
    "-B",
    "-f",
    pomFile,
    "dependency:copy-dependencies",
    "-DincludeScope=runtime",
    `-DoutputDirectory=${scratchDir}`,
  ];
  const code = await runMaven(args);
  if (code !== 0) {
    fs.rmSync(scratchDir, { recursive: true, force: true });
    throw new KafkaToolError(
      `mvn exited with code ${String(code)} while fetching Kafka ${kafkaVersion}; ` +
        `re-run \`mvn -B -f ${path.relative(process.cwd(), pomFile)} dependency:copy-dependencies\` to see why`,
    );
  }
  fs.rmSync(paths.libsDir, { recursive: true, force: true });
  try {
    fs.renameSync(scratchDir, paths.libsDir);
  } catch (error) {
    // A concurrent fetch won the race; its copy is just as good.
    fs.rmSync(scratchDir, { recursive: true, force: true });
    if (!fs.existsSync(paths.libsDir)) throw error;
  }
  fs.writeFileSync(paths.fetchedMarker, `${pomHash()}\n`);
  const jars = fs.readdirSync(paths.libsDir).length;
  log(`fetched ${jars} jars in ${elapsed(startedAt)}`);
  return { libsDir: paths.libsDir, fetched: true };
}

// The marker holds the pom's hash, so editing the pom (say, adding a jar)
// triggers a new fetch even when the Kafka version stays the same.
function isFetched(paths: InstallPaths): boolean {
  return (
    readText(paths.fetchedMarker) === pomHash() &&
    fs.existsSync(path.join(paths.libsDir, `kafka_2.13-${kafkaVersion}.jar`))
  );
}

function pomHash(): string {
  return createHash("sha256").update(fs.readFileSync(pomFile)).digest("hex");
}

function requireCommand(command: string, args: string[], fix: string): void {
  const result = spawnSync(command, args, { stdio: "ignore" });
  if (result.error || result.status !== 0) {
    throw new KafkaToolError(
      `\`${command}\` not found or not working. ${fix}, or set KAFKA_BROKERS to use an existing broker`,
    );
  }
}

/** The java binary, checked to be Java 17+ (what Kafka 4 needs). */
export function requireJava(): string {
  const java = javaCommand();
  const fix =
    "Install a JDK 17+ (e.g. `apt-get install openjdk-17-jdk-headless`) or set KAFKA_BROKERS to use an existing broker";
  const result = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new KafkaToolError(`\`${java}\` not found or not working. ${fix}`);
  }
  // `java -version` prints e.g. 'openjdk version "17.0.15"' or '"1.8.0_392"' to stderr.
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  const major = version ? (version[1] === "1" ? Number(version[2]) : Number(version[1])) : 0;
  if (major < 17) {
    throw new KafkaToolError(
      `Kafka ${kafkaVersion} needs Java 17+, but \`${java}\` is Java ${major || "?"}. ${fix}`,
    );
  }
  return java;
}

// mvn's output goes to stderr so stdout stays reserved for the broker address.
// Maven 3.8 prints bare ANSI resets even with -B -q; they are dropped.
function runMaven(args: string[]): Promise<number | NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn("mvn", args, { stdio: ["ignore", "pipe", "pipe"] });
    const forward = (chunk: Buffer) => {
      const text = chunk.toString().replaceAll("\x1b[0m", "");
      if (text) process.stderr.write(text);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", reject);
    child.on("close", (code, signalName) => {
      resolve(code ?? signalName);
    });
  });
}
