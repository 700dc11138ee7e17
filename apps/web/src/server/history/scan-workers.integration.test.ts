// Rule previews' scan workers, on record batches fetched from a real broker:
// a worker's result is the same as scanning in this thread, the fetched
// responses are moved to it rather than copied, and a failed or stopped
// worker fails its jobs with the reason and is replaced.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  encodeMessage,
  PreprocessedPost,
  topicNames,
  type KafkaClient,
  type LogReader,
} from "@tweetream/shared";
import { uniqueName } from "@tweetream/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preprocessedPost } from "../hub/hub-fixtures.ts";
import { T0, testKafka } from "./history-fixtures.ts";
import { scan, scanJob, type ScanJob } from "./preview-scan.ts";
import { ScanWorkers } from "./scan-workers.ts";

const topics = topicNames(uniqueName("scan-workers"));
const TEXTS = ["macet total di tol", "lalin padat merayap", "ngopi dulu", "Jalan MACET lagi"];
const POSTS = 400;

let kafka: KafkaClient;
let reader: LogReader;

beforeAll(async () => {
  kafka = testKafka("scan-workers-test", topics);
  await kafka.ensureTopics([{ topic: topics.preprocessed, partitions: 1, replicationFactor: 1 }]);
  const producer = await kafka.createProducer();
  for (let at = 0; at < POSTS; at += 50) {
    await producer.send(
      Array.from({ length: 50 }, (_, k) => at + k).map((i) => ({
        topic: topics.preprocessed,
        key: `s${String(i)}`,
        timestamp: T0 + i * 1000,
        value: encodeMessage(PreprocessedPost, {
          ...preprocessedPost(`s${String(i)}`, "lalu-lintas"),
          text: TEXTS[i % TEXTS.length] ?? "",
        }),
      })),
    );
  }
  await producer.disconnect();
  reader = kafka.logReader();
});

afterAll(async () => {
  await kafka.close();
});

/** A job over the whole log, from a fetch of its own (its buffers are moved when run). */
async function wholeLog(rule: string, skipOldest = 0): Promise<ScanJob> {
  const { batches } = await reader.readBatches(topics.preprocessed, 0, 0n, 4 * 1024 * 1024);
  const picked = batches.map((batch, b) => ({ batch, skip: b === 0 ? skipOldest : 0 }));
  return scanJob(rule, 3, { start: 0, top: POSTS, batches }, picked);
}

describe("ScanWorkers", () => {
  it("gives what scanning in this thread gives, and moves the fetched responses instead of copying them", async () => {
    const workers = new ScanWorkers(1);
    try {
      const rule = "macet OR (lalin padat)";
      const job = await wholeLog(rule, 10);
      const expected = scan(await wholeLog(rule, 10));
      expect(expected.scanned).toBe(POSTS - 10);
      expect(expected.matched).toBe(300 - 8);
      const result = await workers.run(job);
      expect(result).toEqual(expected);
      expect(result.sample.map((s) => s.timestamp)).toEqual([
        T0 + 399_000,
        T0 + 397_000,
        T0 + 396_000,
      ]);
      // Moved: this thread's views of the responses are empty now.
      expect(job.buffers.length).toBeGreaterThan(0);
      expect(job.buffers.every((buffer) => buffer.byteLength === 0)).toBe(true);
    } finally {
      await workers.close();
    }
  });

  it("fails the jobs of a worker that stops, then starts another for the next job", async () => {
    const workers = new ScanWorkers(1);
    try {
      const pending = workers.run(await wholeLog("macet"));
      await workers.close();
      await expect(pending).rejects.toThrow(/rule preview scan worker stopped/);
      const result = await workers.run(await wholeLog("macet"));
      expect(result.matched).toBe(200);
    } finally {
      await workers.close();
    }
  });

  it("fails a job it cannot read with the reason, and goes on with the next", async () => {
    const workers = new ScanWorkers(1);
    try {
      const job = await wholeLog("macet");
      const [first] = job.batches;
      if (!first) throw new Error("no batch fetched");
      // A batch cut short: its records run past its end.
      const broken: ScanJob = { ...job, batches: [{ ...first, end: first.start + 40 }] };
      await expect(workers.run(broken)).rejects.toThrow(
        /rule preview scan failed: a record of the batch at offset 0 runs past the batch/,
      );
      expect((await workers.run(await wholeLog("macet"))).matched).toBe(200);
    } finally {
      await workers.close();
    }
  });

  it("starts its workers in a process the tsx CLI runs, as `npm start` and the Docker image run the web server", async () => {
    // The worker inherits tsx's loader from the process's flags there, not from this test's.
    const cli = createRequire(import.meta.url).resolve("tsx/cli");
    const script = `import("./scan-workers.ts").then(async ({ ScanWorkers }) => {
      const workers = new ScanWorkers(1);
      const job = { rule: "macet", first: 0, start: 0, top: 0, batches: [], buffers: [] };
      console.log(JSON.stringify(await workers.run(job)));
      await workers.close();
    });`;
    const { stdout } = await promisify(execFile)(process.execPath, [cli, "--eval", script], {
      cwd: dirname(fileURLToPath(import.meta.url)),
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({ scanned: 0, matched: 0, ids: [], topics: [], sample: [] });
  });
});
