import { readFile } from "node:fs/promises";
import path from "node:path";
import { preprocess } from "@tweetream/text";
import { z } from "zod";
import { TRAINING_CACHE_DIR } from "../../training/env.ts";

/**
 * Where benchmark posts come from: `generalisation` is the 304 posts of
 * training/generalisation-set.jsonl (in the repository, ordinary people's
 * wording); `corpus` is the 49k cleaned corpus texts that `npm run
 * prepare-corpus` writes to .cache/training/corpus.jsonl (official accounts and chatter).
 */
export type BenchPostSource = "generalisation" | "corpus";

const GENERALISATION_SET = path.resolve(
  import.meta.dirname,
  "..",
  "..",
  "training",
  "generalisation-set.jsonl",
);
const CORPUS = path.join(TRAINING_CACHE_DIR, "corpus.jsonl");

function jsonLines<T>(text: string, schema: z.ZodType<T>): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => schema.parse(JSON.parse(line)));
}

/** Preprocessed texts (`cleanText`) to benchmark the model with (default: the generalisation set). */
export async function benchPosts(source: BenchPostSource = "generalisation"): Promise<string[]> {
  if (source === "generalisation") {
    const posts = jsonLines(
      await readFile(GENERALISATION_SET, "utf8"),
      z.object({ text: z.string() }),
    );
    return posts.map(({ text }) => preprocess(text));
  }
  let text: string;
  try {
    text = await readFile(CORPUS, "utf8");
  } catch (error) {
    throw new Error(
      `${CORPUS} cannot be read: run "npm run prepare-corpus -w @tweetream/classifier" first`,
      { cause: error },
    );
  }
  return jsonLines(text, z.object({ cleanText: z.string() })).map(({ cleanText }) => cleanText);
}
