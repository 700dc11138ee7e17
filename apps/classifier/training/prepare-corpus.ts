// Builds <repo>/.cache/training/corpus.jsonl from the labelled corpora:
//   npm run prepare-corpus -w @tweetream/classifier
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PREPROCESSING_VERSION, preprocess } from "@tweetream/text";
import { z } from "zod";
import { augmentationPosts } from "./augment.ts";
import { buildCorpus, CORPUS_FILES, readCorpora, sha256 } from "./corpus.ts";
import { dataDir, TRAINING_CACHE_DIR } from "./env.ts";

const dir = dataDir();
const records = await readCorpora(dir);
const started = performance.now();
const { items, stats } = buildCorpus(records, preprocess);
const seconds = (performance.now() - started) / 1000;

await mkdir(TRAINING_CACHE_DIR, { recursive: true });
const corpusPath = path.join(TRAINING_CACHE_DIR, "corpus.jsonl");
await writeFile(corpusPath, items.map((item) => JSON.stringify(item)).join("\n") + "\n");

// train.py copies these into the model's metadata so the model names its exact data.
const files = await Promise.all(
  CORPUS_FILES.map(async ({ file }) => ({
    file,
    sha256: sha256(await readFile(path.join(dir, file))),
    records: stats.read[file] ?? 0,
  })),
);
await writeFile(
  path.join(TRAINING_CACHE_DIR, "corpus-info.json"),
  JSON.stringify({ preprocessingVersion: PREPROCESSING_VERSION, files, stats }, null, 2) + "\n",
);

// The project's own evaluation set (docs/MODEL.md, "Generalisation"): cleaned here so
// that train.py scores it on exactly what the service would feed the model.
const GeneralisationPost = z.object({
  text: z.string(),
  label: z.enum(["traffic", "non_traffic"]),
});
const generalisation = (
  await readFile(path.join(import.meta.dirname, "generalisation-set.jsonl"), "utf8")
)
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => GeneralisationPost.parse(JSON.parse(line)))
  .map(({ text, label }) => ({ cleanText: preprocess(text), label }));
const corpusTexts = new Set(items.map((item) => item.cleanText));
const overlap = generalisation.filter((post) => corpusTexts.has(post.cleanText)).length;
await writeFile(
  path.join(TRAINING_CACHE_DIR, "generalisation.jsonl"),
  generalisation.map((post) => JSON.stringify(post)).join("\n") + "\n",
);

// Synthetic posts for the training split only (never held out, never in the
// generalisation set): unique, and not equal to any corpus or evaluation text.
const AUGMENTATION_PER_LABEL = 1500;
const AUGMENTATION_SEED = 2016;
const taken = new Set([...corpusTexts, ...generalisation.map((post) => post.cleanText)]);
const augmentation = augmentationPosts(AUGMENTATION_PER_LABEL, AUGMENTATION_SEED).flatMap(
  ({ text, label }) => {
    const cleanText = preprocess(text);
    if (cleanText === "" || taken.has(cleanText)) return [];
    taken.add(cleanText);
    return [{ cleanText, label }];
  },
);
await writeFile(
  path.join(TRAINING_CACHE_DIR, "augmentation.jsonl"),
  augmentation.map((post) => JSON.stringify(post)).join("\n") + "\n",
);

console.log(`read ${records.length} records from ${dir}`);
console.log(JSON.stringify(stats, null, 2));
console.log(
  `preprocessed in ${seconds.toFixed(2)} s (${Math.round(records.length / seconds)} posts/s, includes de-duplication)`,
);
console.log(`wrote ${items.length} items to ${corpusPath}`);
console.log(
  `generalisation set: ${generalisation.length} posts, ${overlap} of them also in the corpora after cleaning`,
);
console.log(
  `augmentation: ${augmentation.filter((p) => p.label === "traffic").length} traffic, ${augmentation.filter((p) => p.label === "non_traffic").length} non_traffic unique synthetic posts`,
);
