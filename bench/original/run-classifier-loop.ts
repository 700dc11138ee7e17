// Runs the original design's Python classifier loop (classifier_loop.py) against a Kafka
// broker and returns its throughput, for the benchmark harness (scenario 5b, issue #6).
// By hand: npx tsx bench/original/run-classifier-loop.ts --brokers 127.0.0.1:9092 [--count N]
//          [--input-topic T] [--output-topic T]   (prints the report as JSON)
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import {
  createKafkaClient,
  createLogger,
  encodeMessage,
  PreprocessedPost,
  topicNames,
} from "@tweetream/shared";
import { z } from "zod";

const REPO = path.resolve(import.meta.dirname, "..", "..");
const SCRIPT = path.join(import.meta.dirname, "classifier_loop.py");
const REQUIREMENTS = path.join(import.meta.dirname, "requirements.txt");
const VENV_PYTHON = path.join(REPO, ".cache", "venv", "bin", "python");
const CORPUS = path.join(REPO, ".cache", "training", "corpus.jsonl");
const SEND_CHUNK = 1000;

/** Options of {@link runClassifierLoop}. */
export const ClassifierLoopOptions = z.object({
  /** Bootstrap brokers: a list or a comma-separated string. */
  brokers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /**
   * A topic already holding at least `count` PreprocessedPost messages (all partitions
   * are read from the start). Default: a fresh one-partition topic filled with `count`
   * corpus posts (.cache/training/corpus.jsonl) and deleted afterwards.
   */
  inputTopic: z.string().min(1).optional(),
  /** Where the labelled posts go (default: a fresh topic, deleted afterwards). */
  outputTopic: z.string().min(1).optional(),
  /** Messages to consume before stopping (default 20,000, or 2,000 when `quick`). */
  count: z.number().int().positive().optional(),
  quick: z.boolean().default(false),
  /** Python with scikit-learn (default: <repo>/.cache/venv/bin/python). */
  python: z.string().min(1).default(VENV_PYTHON),
  /** Kill the loop after this long (default 10 minutes). */
  timeoutMs: z.number().int().positive().default(600_000),
  /** Receives the Python process's stderr lines (default: ignored). */
  log: z.custom<(line: string) => void>((v) => typeof v === "function").optional(),
});
export type ClassifierLoopOptions = z.input<typeof ClassifierLoopOptions>;

/** What classifier_loop.py reports (its last stdout line). */
export const ClassifierLoopResult = z.object({
  posts: z.number().int(),
  invalid: z.number().int(),
  labels: z.record(z.string(), z.number().int()),
  /** From the first message received to the last output acknowledged. */
  seconds: z.number(),
  postsPerSecond: z.number().nullable(),
  /** Part of `seconds` spent inside scikit-learn's predict. */
  predictSeconds: z.number(),
  /** CPU time of the Python process over `seconds`. */
  cpuSeconds: z.number(),
  postsPerCpuSecond: z.number().nullable(),
  /** Loading the pipeline and connecting, not in `seconds`. */
  startupSeconds: z.number(),
  python: z.string(),
  kafkaPython: z.string(),
  scikitLearn: z.string(),
});
export type ClassifierLoopResult = z.infer<typeof ClassifierLoopResult>;

const run = promisify(execFile);

/** Installs requirements.txt into the venv when kafka-python is not importable there. */
async function ensureRequirements(python: string): Promise<void> {
  try {
    await run(python, ["-c", "import kafka, joblib, sklearn"]);
    return;
  } catch {
    // Not installed yet (or no venv): try the install below, which names what is missing.
  }
  try {
    await run(python, ["-m", "pip", "install", "-q", "-r", REQUIREMENTS], { timeout: 300_000 });
  } catch (error) {
    throw new Error(
      `cannot install ${REQUIREMENTS} with ${python}: create the venv with "npm run train -w @tweetream/classifier" first`,
      { cause: error },
    );
  }
}

/** `count` corpus texts as PreprocessedPost JSON, spread over the whole corpus. */
async function corpusPosts(count: number): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(CORPUS, "utf8");
  } catch (error) {
    throw new Error(`${CORPUS} is missing: run "npm run train -w @tweetream/classifier" first`, {
      cause: error,
    });
  }
  const Item = z.object({ cleanText: z.string() });
  const cleanTexts = text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => Item.parse(JSON.parse(line)).cleanText);
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    // 7,919 is prime: the stride visits traffic and non-traffic posts alike.
    const cleanText = cleanTexts[(i * 7919) % cleanTexts.length] ?? "";
    return encodeMessage(PreprocessedPost, {
      v: 1,
      id: `original-${i}`,
      source: "file",
      text: cleanText,
      cleanText,
      author: { id: "bench", username: "bench" },
      createdAt: new Date(now).toISOString(),
      lang: "id",
      topics: ["bench"],
      ingestedAt: now,
    });
  });
}

/** Runs classifier_loop.py until it has consumed `count` messages; returns its report. */
async function runPython(
  python: string,
  args: string[],
  timeoutMs: number,
  log: ((line: string) => void) | undefined,
): Promise<ClassifierLoopResult> {
  const child = spawn(python, [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderr.push(line);
    log?.(line);
  });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  }).finally(() => {
    clearTimeout(timer);
  });
  if (code !== 0) {
    throw new Error(
      `classifier_loop.py exited with ${String(code)}: ${stderr.slice(-5).join("\n") || "no output"}`,
    );
  }
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return ClassifierLoopResult.parse(JSON.parse(last));
}

/**
 * Measures the original design's classifier: one Python consumer, scikit-learn `predict`
 * on one message at a time, one output message each. Fills a fresh input topic unless
 * `inputTopic` is given, and deletes the topics it created. Needs `npm run train -w
 * @tweetream/classifier` once (venv, pipeline, corpus); installs requirements.txt into
 * the venv when missing. It measures and reports; it never judges the figures.
 */
export async function runClassifierLoop(
  options: ClassifierLoopOptions,
): Promise<ClassifierLoopResult & { inputTopic: string; selfProduced: boolean }> {
  const { brokers, inputTopic, outputTopic, quick, python, timeoutMs, log, ...rest } =
    ClassifierLoopOptions.parse(options);
  const count = rest.count ?? (quick ? 2000 : 20_000);
  const brokerList = typeof brokers === "string" ? brokers.split(",") : brokers;
  await ensureRequirements(python);

  const topics = topicNames(`bench-original-${randomBytes(4).toString("hex")}`);
  const kafka = createKafkaClient({
    brokers: brokerList,
    clientId: "tweetream-bench-original",
    logger: createLogger("bench-original", "fatal"),
    topics,
  });
  const created: string[] = [];
  try {
    const input = inputTopic ?? topics.preprocessed;
    const output = outputTopic ?? `${topics.prefix}.classified`;
    const fresh = [...(inputTopic ? [] : [input]), ...(outputTopic ? [] : [output])];
    created.push(...fresh);
    await kafka.ensureTopics(
      fresh.map((topic) => ({ topic, partitions: 1, replicationFactor: 1 })),
    );
    if (!inputTopic) {
      const values = await corpusPosts(count);
      const producer = await kafka.createProducer();
      try {
        for (let i = 0; i < values.length; i += SEND_CHUNK) {
          await producer.send(
            values
              .slice(i, i + SEND_CHUNK)
              .map((value, j) => ({ topic: input, key: `original-${i + j}`, value })),
          );
        }
      } finally {
        await producer.disconnect();
      }
    }
    const args = [
      "--brokers",
      brokerList.join(","),
      "--input-topic",
      input,
      "--output-topic",
      output,
      "--count",
      String(count),
    ];
    const result = await runPython(python, args, timeoutMs, log);
    return { ...result, inputTopic: input, selfProduced: !inputTopic };
  } finally {
    if (created.length > 0) await kafka.deleteTopics(created).catch(() => undefined);
    await kafka.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      brokers: { type: "string" },
      count: { type: "string" },
      "input-topic": { type: "string" },
      "output-topic": { type: "string" },
    },
  });
  if (values.brokers === undefined) {
    console.error(
      "usage: run-classifier-loop.ts --brokers host:port[,…] [--count N] [--input-topic T] [--output-topic T]",
    );
    process.exit(2);
  }
  const result = await runClassifierLoop({
    brokers: values.brokers,
    ...(values.count === undefined
      ? {}
      : { count: z.coerce.number().int().positive().parse(values.count) }),
    ...(values["input-topic"] === undefined ? {} : { inputTopic: values["input-topic"] }),
    ...(values["output-topic"] === undefined ? {} : { outputTopic: values["output-topic"] }),
    log: (line) => {
      console.error(line);
    },
  });
  console.log(JSON.stringify(result, null, 2));
}
