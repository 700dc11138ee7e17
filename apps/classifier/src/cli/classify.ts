// Classifies raw post texts from stdin, one a line, with the shared preprocessing
// and the traffic model; prints one JSON line per post, in input order:
//   npm run classify < posts.txt
//   echo "macet parah di jl kaliurang" | npm run classify
import { once } from "node:events";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { preprocess } from "@tweetream/text";
import { DEFAULT_MODEL_DIR, loadModel } from "../model.ts";

const BATCH_SIZE = 256;
// Flushes a partial batch when input pauses, so typed lines get an answer at once.
const IDLE_MS = 20;
const IDLE = Symbol("idle");

const usage = `usage: classify [--model <dir>] < posts.txt
Reads one raw post a line from stdin and prints {"text","cleanText","label","score"} per line.
  --model <dir>  model folder holding metadata.json (default: ${DEFAULT_MODEL_DIR})`;

/** Groups lines into batches of at most `size`, yielding early when input goes idle. */
async function* batches(lines: AsyncIterator<string>, size: number): AsyncGenerator<string[]> {
  let batch: string[] = [];
  let pending = lines.next();
  for (;;) {
    const next =
      batch.length === 0
        ? await pending
        : await Promise.race([pending, sleep(IDLE_MS, IDLE, { ref: false })]);
    if (next === IDLE) {
      yield batch;
      batch = [];
      continue;
    }
    if (next.done === true) break;
    batch.push(next.value);
    pending = lines.next();
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const { values } = parseArgs({
  options: { model: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (values.help === true) {
  console.log(usage);
  process.exit(0);
}

const model = await loadModel(values.model ?? DEFAULT_MODEL_DIR);
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const texts of batches(lines[Symbol.asyncIterator](), BATCH_SIZE)) {
  const cleanTexts = texts.map(preprocess);
  const predictions = await model.classify(cleanTexts);
  const out = texts
    .map((text, i) => JSON.stringify({ text, cleanText: cleanTexts[i], ...predictions[i] }))
    .join("\n");
  if (!process.stdout.write(out + "\n")) await once(process.stdout, "drain");
}
await model.close();
