import { readFile } from "node:fs/promises";
import path from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { z } from "zod";
import { PostLabel, TweetreamError } from "@tweetream/shared";
import { PREPROCESSING_VERSION } from "@tweetream/text";

/** The committed traffic model (apps/classifier/model). */
export const DEFAULT_MODEL_DIR = path.resolve(import.meta.dirname, "..", "model");

// Bounds the memory of one ONNX Runtime call; callers may pass batches of any size.
const MAX_BATCH = 1024;

/** The model's answer for one post. */
export interface Prediction {
  label: PostLabel;
  /** Probability of `label`, from 0.5 to 1. */
  score: number;
}

/** A loaded text classifier. */
export interface Model {
  name: string;
  version: string;
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
  labels: z.array(PostLabel).length(2),
  input: z.object({ name: z.string().min(1) }),
  outputs: z.object({ probabilities: z.string().min(1) }),
  preprocessingVersion: z.string().min(1),
});
export type ModelMetadata = z.infer<typeof ModelMetadata>;

/** A model that cannot be loaded (missing or corrupt file, wrong preprocessing version). */
export class ModelLoadError extends TweetreamError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
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
 * Throws ModelLoadError when files are missing or the model was trained on
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
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new ModelLoadError(`model file ${file} cannot be read`, error);
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
  const { labels } = metadata;

  async function run(texts: readonly string[]): Promise<Prediction[]> {
    const input = new Tensor("string", [...texts], [texts.length, 1]);
    const outputs = await session.run({ [metadata.input.name]: input }, [
      metadata.outputs.probabilities,
    ]);
    const probabilities = outputs[metadata.outputs.probabilities]?.data;
    if (!(probabilities instanceof Float32Array) || probabilities.length !== texts.length * 2) {
      throw new TweetreamError(`model ${metadata.name} returned no usable probabilities`, {
        retriable: false,
      });
    }
    return texts.map((_, index) => {
      const first = probabilities[index * 2] ?? 0;
      const second = probabilities[index * 2 + 1] ?? 0;
      return first >= second
        ? { label: labels[0] ?? "non_traffic", score: first }
        : { label: labels[1] ?? "traffic", score: second };
    });
  }

  return {
    name: metadata.name,
    version: metadata.version,
    async classify(cleanTexts) {
      const predictions: Prediction[] = [];
      for (let start = 0; start < cleanTexts.length; start += MAX_BATCH) {
        predictions.push(...(await run(cleanTexts.slice(start, start + MAX_BATCH))));
      }
      return predictions;
    },
    close: () => session.release(),
  };
}
