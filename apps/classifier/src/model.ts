import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { z } from "zod";
import { ModelLabel, TweetreamError } from "@tweetream/shared";
import { PREPROCESSING_VERSION } from "@tweetream/text";
import { padTerms, termCount, TermIndex, type EncodedPosts } from "./term-ids.ts";

/** The committed traffic model (apps/classifier/model). */
export const DEFAULT_MODEL_DIR = path.resolve(import.meta.dirname, "..", "model");

// Bound one ONNX Runtime call (posts, and padded cells: one long post must not pad a
// whole batch to its length); callers may pass batches of any size.
const MAX_BATCH = 4096;
const MAX_CELLS = 1 << 20;

/** The model's answer for one post. */
export interface Prediction {
  label: ModelLabel;
  /** Probability of `label`, from 0.5 to 1. */
  score: number;
}

/** A loaded text classifier. */
export interface Model {
  name: string;
  version: string;
  /** The languages it was trained for (BCP 47 tags); posts in others are not classified. */
  languages: readonly string[];
  /** Labels preprocessed texts (`PreprocessedPost.cleanText`), one prediction per text, in order. */
  classify(cleanTexts: readonly string[]): Promise<Prediction[]>;
  /** Releases the ONNX Runtime session. */
  close(): Promise<void>;
}

/** The part of model/metadata.json (written by training/train.py) that inference relies on. */
export const ModelMetadata = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Label of each column of the probability output. */
  labels: z.array(ModelLabel).length(2),
  /** The languages the model was trained for (BCP 47 tags). */
  languages: z.array(z.string().min(2).max(16)).min(1),
  inputs: z.object({
    ids: z.object({ name: z.string().min(1) }),
    counts: z.object({ name: z.string().min(1) }),
  }),
  outputs: z.object({ probabilities: z.string().min(1) }),
  /** The term → id table the graph's `ids` input indexes (one term a line). */
  vocabulary: z.object({
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    terms: z.number().int().positive(),
    // What term-ids.ts implements; another analyser needs code, not just a new model.
    ngramRange: z.tuple([z.literal(1), z.literal(2)]),
    tokenSeparator: z.literal(" "),
  }),
  preprocessingVersion: z.string().min(1),
});
export type ModelMetadata = z.infer<typeof ModelMetadata>;

/** A model that cannot be loaded (missing or corrupt file, wrong preprocessing version). */
export class ModelLoadError extends TweetreamError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

/** Reads a model file and checks it against the sha256 that metadata.json records. */
async function readChecked(file: string, sha256: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new ModelLoadError(`model file ${file} cannot be read`, error);
  }
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) {
    throw new ModelLoadError(
      `model file ${file} has sha256 ${actual}, but metadata.json says ${sha256}: restore the file or retrain (docs/MODEL.md)`,
    );
  }
  return bytes;
}

async function readMetadata(dir: string): Promise<ModelMetadata> {
  const file = path.join(dir, "metadata.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ModelLoadError(`model metadata ${file} cannot be read`, error);
  }
  const parsed = ModelMetadata.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new ModelLoadError(`model metadata ${file} is invalid: ${parsed.error.message}`);
  }
  return parsed.data;
}

/**
 * Loads the ONNX model described by `<dir>/metadata.json` (default: the committed
 * model) on one intra-op thread, so that replicas, not threads, scale the service.
 * The graph takes term ids: `classify` looks each post's word 1–2 grams up in the
 * vocabulary file in JavaScript (term-ids.ts). Throws ModelLoadError when files are
 * missing or differ from their sha256 in metadata.json, or the model was trained on
 * another preprocessing version.
 */
export async function loadModel(dir: string = DEFAULT_MODEL_DIR): Promise<Model> {
  const metadata = await readMetadata(dir);
  if (metadata.preprocessingVersion !== PREPROCESSING_VERSION) {
    throw new ModelLoadError(
      `model ${metadata.name}@${metadata.version} was trained on preprocessing version ${metadata.preprocessingVersion}, but this build preprocesses with version ${PREPROCESSING_VERSION}: retrain it (docs/MODEL.md)`,
    );
  }
  const file = path.join(dir, metadata.file);
  const bytes = await readChecked(file, metadata.sha256);
  const vocabularyFile = path.join(dir, metadata.vocabulary.file);
  const terms = (await readChecked(vocabularyFile, metadata.vocabulary.sha256))
    .toString("utf8")
    .split("\n");
  // The file ends with a newline: one empty string after the last term.
  if (terms.pop() !== "" || terms.length !== metadata.vocabulary.terms) {
    throw new ModelLoadError(
      `model vocabulary ${vocabularyFile} does not hold ${metadata.vocabulary.terms} terms, one a line`,
    );
  }
  let index: TermIndex;
  try {
    index = new TermIndex(terms);
  } catch (error) {
    throw new ModelLoadError(`model vocabulary ${vocabularyFile} is invalid`, error);
  }
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionProviders: ["cpu"],
    });
  } catch (error) {
    throw new ModelLoadError(`model file ${file} cannot be loaded by ONNX Runtime`, error);
  }
  const { labels, inputs, outputs } = metadata;
  const [first = "non_traffic", second = "traffic"] = labels;

  /** Classifies posts `from` to `to - 1` of `encoded` in one ONNX Runtime call. */
  async function run(
    encoded: EncodedPosts,
    from: number,
    to: number,
    predictions: Prediction[],
  ): Promise<void> {
    const posts = to - from;
    const { ids, counts, width } = padTerms(encoded, from, to);
    const result = await session.run(
      {
        [inputs.ids.name]: new Tensor("int32", ids, [posts, width]),
        [inputs.counts.name]: new Tensor("float32", counts, [posts, width]),
      },
      [outputs.probabilities],
    );
    const probabilities = result[outputs.probabilities]?.data;
    if (!(probabilities instanceof Float32Array) || probabilities.length !== posts * 2) {
      throw new TweetreamError(`model ${metadata.name} returned no usable probabilities`, {
        retriable: false,
      });
    }
    for (let post = 0; post < posts; post++) {
      const p0 = probabilities[post * 2] ?? 0;
      const p1 = probabilities[post * 2 + 1] ?? 0;
      // Ties go to the first label, as in scikit-learn's predict (argmax).
      // Float32 calibration can round a certain post to one ulp above 1
      // (1.0000001), which ClassifiedPost refuses: such a post was dead-lettered.
      predictions.push(
        p0 >= p1
          ? { label: first, score: Math.min(1, p0) }
          : { label: second, score: Math.min(1, p1) },
      );
    }
  }

  return {
    name: metadata.name,
    version: metadata.version,
    languages: metadata.languages,
    async classify(cleanTexts) {
      const encoded = index.encode(cleanTexts);
      const predictions: Prediction[] = [];
      let from = 0;
      let width = 1;
      for (let post = 0; post < cleanTexts.length; post++) {
        const wider = Math.max(width, termCount(encoded, post));
        const posts = post - from + 1;
        if (posts > 1 && (posts > MAX_BATCH || posts * wider > MAX_CELLS)) {
          await run(encoded, from, post, predictions);
          from = post;
          width = Math.max(1, termCount(encoded, post));
        } else {
          width = wider;
        }
      }
      if (from < cleanTexts.length) await run(encoded, from, cleanTexts.length, predictions);
      return predictions;
    },
    close: () => session.release(),
  };
}
