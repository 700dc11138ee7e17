import path from "node:path";
import { z } from "zod";

/** Root of the repository (training code runs from the work tree, never from a build). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

/** Where prepare-corpus writes the cleaned corpus and train.py reads it (gitignored). */
export const TRAINING_CACHE_DIR = path.join(REPO_ROOT, ".cache", "training");

const trainingEnvSchema = z.object({
  TWEETREAM_DATA_DIR: z
    .string()
    .min(1)
    .optional()
    .describe("folder holding the labelled corpora (default: <repo>/../shared/data)"),
});

/** Folder of the labelled corpora: `TWEETREAM_DATA_DIR`, default `<repo>/../shared/data`. */
export function dataDir(source: Record<string, string | undefined> = process.env): string {
  const env = trainingEnvSchema.parse(source);
  return path.resolve(env.TWEETREAM_DATA_DIR ?? path.join(REPO_ROOT, "..", "shared", "data"));
}
