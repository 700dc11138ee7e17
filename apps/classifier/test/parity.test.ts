// Proves that the committed ONNX model, fed by the TypeScript preprocessing and the
// n-gram lookup of term-ids.ts, labels every held-out post exactly as scikit-learn did
// when it was trained, in batches and one post at a time.
// Needs the corpora (<repo>/../shared/data or TWEETREAM_DATA_DIR): it fails,
// never skips, without them.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { preprocess } from "@tweetream/text";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_MODEL_DIR, loadModel } from "../src/model.ts";
import { buildCorpus, readCorpora, sha256 } from "../training/corpus.ts";
import { dataDir } from "../training/env.ts";

const ParityFixture = z.object({
  model: z.object({ name: z.string(), version: z.string() }),
  preprocessingVersion: z.string(),
  labels: z.tuple([z.literal("non_traffic"), z.literal("traffic")]),
  sources: z.array(z.string()),
  rows: z.array(
    z.tuple([
      z.number().int().nonnegative(),
      z.number().int().positive(),
      z.string().length(12),
      z.union([z.literal(0), z.literal(1)]),
      z.number().min(0).max(1),
    ]),
  ),
});

// The fixture keeps 6 decimals of scikit-learn's float64 score; ONNX computes in float32.
const SCORE_TOLERANCE = 1e-4;

describe("ONNX model parity with scikit-learn on the held-out set", () => {
  it("gives scikit-learn's label and score for every held-out post", async () => {
    const fixture = ParityFixture.parse(
      JSON.parse(await readFile(path.join(DEFAULT_MODEL_DIR, "parity-heldout.json"), "utf8")),
    );
    const { items } = buildCorpus(await readCorpora(dataDir()), preprocess);
    const byRecord = new Map(items.map((item) => [`${item.source}:${item.record}`, item]));

    const texts: string[] = [];
    const missing: string[] = [];
    for (const [source, record, cleanSha] of fixture.rows) {
      const key = `${fixture.sources[source] ?? "?"}:${record}`;
      const item = byRecord.get(key);
      if (item?.cleanText === undefined || sha256(item.cleanText).slice(0, 12) !== cleanSha) {
        missing.push(key);
        continue;
      }
      texts.push(item.cleanText);
    }
    // A miss means the corpora or the preprocessing changed since training: retrain.
    expect(missing.slice(0, 10), `${missing.length} held-out posts not found`).toEqual([]);

    const model = await loadModel();
    try {
      expect(model.name).toBe(fixture.model.name);
      const predictions = await model.classify(texts);
      const disagreements = fixture.rows.flatMap(([source, record, , label, score], index) => {
        const prediction = predictions[index];
        const expected = fixture.labels[label];
        return prediction?.label === expected &&
          Math.abs(prediction.score - score) <= SCORE_TOLERANCE
          ? []
          : [{ post: `${fixture.sources[source] ?? "?"}:${record}`, expected, score, prediction }];
      });
      expect(predictions).toHaveLength(fixture.rows.length);
      expect(disagreements.slice(0, 10), `${disagreements.length} disagreements`).toEqual([]);

      // One post a call pads nothing: the same answers as in batches (every 4th post,
      // to keep the test short).
      const differing: number[] = [];
      for (let i = 0; i < texts.length; i += 4) {
        const [alone] = await model.classify([texts[i] ?? ""]);
        const batched = predictions[i];
        if (
          alone?.label !== batched?.label ||
          Math.abs((alone?.score ?? -1) - (batched?.score ?? 1)) > 1e-6
        ) {
          differing.push(i);
        }
      }
      expect(differing).toEqual([]);
    } finally {
      await model.close();
    }
  });
});
