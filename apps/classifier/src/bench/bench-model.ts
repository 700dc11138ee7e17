// Prints the model's throughput per batch size on this process's thread:
//   taskset -c 0 npm run bench:model -w @tweetream/classifier [-- --corpus --json]
import { parseArgs } from "node:util";
import { z } from "zod";
import { benchPosts } from "./bench-posts.ts";
import { measureInference } from "./measure-inference.ts";

const usage = `usage: bench:model [--corpus] [--batch-sizes 1,64,512,4096] [--duration-ms 2000] [--model <dir>] [--json]
  --corpus       use the 49k cleaned corpus texts (.cache/training/corpus.jsonl) instead of
                 the 304 posts of the generalisation set
  --json         print the measurement as JSON instead of a table`;

const { values } = parseArgs({
  options: {
    corpus: { type: "boolean", default: false },
    "batch-sizes": { type: "string", default: "1,64,512,4096" },
    "duration-ms": { type: "string", default: "2000" },
    model: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help === true) {
  console.log(usage);
  process.exit(0);
}
const batchSizes = z
  .array(z.coerce.number().int().positive())
  .parse(values["batch-sizes"].split(","));
const durationMs = z.coerce.number().int().positive().parse(values["duration-ms"]);

const posts = await benchPosts(values.corpus ? "corpus" : "generalisation");
const measurement = await measureInference({
  posts,
  batchSizes,
  durationMs,
  ...(values.model === undefined ? {} : { modelDir: values.model }),
});
if (values.json) {
  console.log(JSON.stringify(measurement, null, 2));
} else {
  console.log(
    `${measurement.model.name}@${measurement.model.version}, ${measurement.distinctPosts} distinct posts (${values.corpus ? "corpus" : "generalisation set"}), ${measurement.durationMs} ms per batch size, node ${measurement.node}, ${measurement.cpu}`,
  );
  console.table(
    measurement.results.map((r) => ({
      "batch size": r.batchSize,
      "posts/s": Math.round(r.postsPerSecond),
      "µs/post": Number(((1e6 * r.seconds) / r.posts).toFixed(2)),
      "posts/CPU s": Math.round(r.postsPerCpuSecond),
      "call ms p50": Number(r.callMs.p50.toFixed(3)),
      "call ms p99": Number(r.callMs.p99.toFixed(3)),
      calls: r.calls,
    })),
  );
}
