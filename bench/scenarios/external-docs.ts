// Sections 4 and 5b of docs/BENCHMARKS.md, of the external scenarios of
// external.ts: the classifier per core, and the original Python loop beside
// its best batched rate. Their figures are shown as tables when they have the
// shapes below, as JSON otherwise.
import { z } from "zod";
import { asJson, num, table } from "../lib/doc-format.ts";
import type { DocSection } from "../lib/doc-section.ts";
import type { RunResults } from "../lib/results.ts";

// The shapes of the external scenarios' figures as they were when this was
// written; anything else is shown as JSON.
const InferenceFigures = z.object({
  model: z.object({ name: z.string(), version: z.string() }),
  distinctPosts: z.number(),
  durationMs: z.number(),
  cpu: z.string(),
  results: z.array(
    z.object({
      batchSize: z.number(),
      postsPerSecond: z.number(),
      callMs: z.object({ p50: z.number(), p99: z.number() }),
    }),
  ),
});
const LoopFigures = z.object({
  posts: z.number(),
  seconds: z.number(),
  postsPerSecond: z.number().nullable(),
  predictSeconds: z.number(),
  python: z.string().optional(),
  scikitLearn: z.string().optional(),
});

/** The classifier's best rate in batches of more than one post (posts/s), if it ran. */
function bestBatched(results: RunResults): number | undefined {
  const inference = InferenceFigures.safeParse(results.scenarios.classifier?.figures);
  return inference.success
    ? Math.max(
        ...inference.data.results.filter((r) => r.batchSize > 1).map((r) => r.postsPerSecond),
      )
    : undefined;
}

/** Section 4: the classifier's inference speed per core. */
export const classifierDocs: DocSection = {
  render({ results, leadNotes }) {
    const classifier = results.scenarios.classifier;
    const inference = InferenceFigures.safeParse(classifier?.figures);
    let text = "Not run in this run.";
    if (classifier?.status === "ok") {
      text = inference.success
        ? `The model (\`${inference.data.model.name}@${inference.data.model.version}\`) in-process on one core (\`taskset -c 0\` when available), by \`measureInference\` (apps/classifier/src/bench), ${num(inference.data.distinctPosts)} distinct posts cycled, ${num(inference.data.durationMs)} ms per batch size. Through Kafka, the classifier's throughput is part of scenario 1.\n\n` +
          table(
            ["batch size", "posts/s", "call p50", "call p99"],
            inference.data.results.map((r) => [
              num(r.batchSize),
              num(r.postsPerSecond),
              `${num(r.callMs.p50, 3)} ms`,
              `${num(r.callMs.p99, 3)} ms`,
            ]),
          )
        : asJson(classifier.figures);
    } else if (classifier) text = `${classifier.status}: ${classifier.reason ?? ""}`;
    return ["## 4. Classifier", text, leadNotes("classifier")];
  },
};

function loopText(results: RunResults): string {
  const oc = results.scenarios["original-classifier"];
  if (!oc) return "Not run in this run.";
  if (oc.status !== "ok") return `${oc.status}: ${oc.reason ?? ""}`;
  const loop = LoopFigures.safeParse(oc.figures);
  if (!loop.success) return asJson(oc.figures);
  const l = loop.data;
  const batched = bestBatched(results);
  const ratio =
    batched !== undefined && l.postsPerSecond ? num(batched / l.postsPerSecond, 0) : "–";
  return (
    `The original loop (bench/original/classifier_loop.py: a Python Kafka consumer calling scikit-learn \`predict\` on one message at a time, then producing the result) over ${num(l.posts)} posts through Kafka, beside the batched ONNX model of scenario 4 (best batch size, in-process). ` +
    `The loop's figure includes Kafka consume and produce; scenario 4's does not, so the ratio overstates the model-only difference and understates nothing about the original's end-to-end rate.\n\n` +
    table(
      ["", "posts/s"],
      [
        [
          `original loop (Python ${l.python ?? "?"}, scikit-learn ${l.scikitLearn ?? "?"}; ${num(l.predictSeconds, 2)} of ${num(l.seconds, 2)} s in predict)`,
          num(l.postsPerSecond),
        ],
        ["Tweetream ONNX, batched, one core", num(batched)],
        ["ratio (Tweetream ÷ original)", ratio],
      ],
    )
  );
}

/** Section 5b: the original classifier loop beside section 4's best batched rate. */
export const originalClassifierDocs: DocSection = {
  render({ results, leadNotes }) {
    return [
      "### 5b. Classifier: one message at a time in Python vs batched ONNX",
      loopText(results),
      leadNotes("original-classifier"),
    ];
  },
};
