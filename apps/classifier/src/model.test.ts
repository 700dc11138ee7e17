import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { preprocess } from "@tweetream/text";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_MODEL_DIR, loadModel, ModelLoadError, type Model } from "./model.ts";

describe("loadModel", () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModel();
  });
  afterAll(async () => {
    await model.close();
  });

  it("loads the committed model and names it", () => {
    expect(model.name).toBe("traffic-tfidf-svm");
    expect(model.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("labels obvious posts", async () => {
    const posts = [
      ["Macet parah di jl. Kaliurang km 7, antrian kendaraan sampai ringroad", "traffic"],
      ["Kecelakaan di tol Cikampek km 57, lajur kanan ditutup", "traffic"],
      ["aku kangen banget sama kamu, kapan kita ketemu lagi?", "non_traffic"],
      ["Resep nasi goreng kampung yang enak dan gampang", "non_traffic"],
    ] as const;
    const predictions = await model.classify(posts.map(([text]) => preprocess(text)));
    expect(predictions.map((p) => p.label)).toEqual(posts.map(([, label]) => label));
    for (const { score } of predictions) {
      expect(score).toBeGreaterThanOrEqual(0.5);
      expect(score).toBeLessThanOrEqual(1);
    }
  });

  it("never scores above 1, even where float32 calibration rounds up", async () => {
    // A synthetic post (seed 1001, syn-1001-65759) that scored 1.0000001 and was dead-lettered.
    const text =
      "Arus balik di tol Jogja-Bawen terpantau pdt merayap, volume kendaraan naik 11% dibanding hari biasa. #infolalin #jogja";
    const [prediction] = await model.classify([preprocess(text)]);
    expect(prediction?.label).toBe("traffic");
    expect(prediction?.score).toBe(1);
  });

  it("returns nothing for no input and a prediction for an empty text", async () => {
    expect(await model.classify([])).toEqual([]);
    const [prediction] = await model.classify([""]);
    expect(prediction?.label).toBe("non_traffic");
  });

  it("gives the same predictions alone and in batches larger than one ONNX call", async () => {
    const texts = Array.from({ length: 5000 }, (_, i) =>
      i % 2 === 0 ? `lintas simpang ${i} padat merayap` : `nonton film ${i} seru banget`,
    );
    const batched = await model.classify(texts);
    expect(batched).toHaveLength(texts.length);
    expect(await model.classify([texts[4999] ?? ""])).toEqual([batched[4999]]);
    expect(batched.filter((p) => p.label === "traffic")).toHaveLength(2500);
  });

  it("splits a batch so that one long post does not pad all the others to its length", async () => {
    // 2,000 distinct vocabulary terms: 4,096 posts that wide would be 8M padded cells.
    const vocabulary = await readFile(
      path.join(DEFAULT_MODEL_DIR, "traffic-v2.vocabulary.txt"),
      "utf8",
    );
    const long = vocabulary
      .split("\n")
      .filter((term) => term !== "" && !term.includes(" "))
      .slice(0, 2000)
      .join(" ");
    const texts = [
      "macet parah",
      long,
      ...Array.from({ length: 4094 }, (_, i) => `arus lalu lintas ${i} lancar`),
    ];
    const batched = await model.classify(texts);
    expect(batched).toHaveLength(texts.length);
    for (const i of [0, 1, 2, 4095]) {
      const [alone] = await model.classify([texts[i] ?? ""]);
      // Padding may change float32 summation order, hence close, not equal.
      expect(alone?.label).toBe(batched[i]?.label);
      expect(alone?.score).toBeCloseTo(batched[i]?.score ?? -1, 6);
    }
  });

  it("scores the generalisation set as training reported, end to end from raw text", async () => {
    const Post = z.object({ text: z.string(), label: z.enum(["traffic", "non_traffic"]) });
    const posts = (
      await readFile(
        path.join(import.meta.dirname, "..", "training", "generalisation-set.jsonl"),
        "utf8",
      )
    )
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => Post.parse(JSON.parse(line)));
    const Metadata = z.object({
      metrics: z.object({ generalisation: z.object({ n: z.number(), accuracy: z.number() }) }),
    });
    const { generalisation } = Metadata.parse(
      JSON.parse(await readFile(path.join(DEFAULT_MODEL_DIR, "metadata.json"), "utf8")),
    ).metrics;
    const predictions = await model.classify(posts.map(({ text }) => preprocess(text)));
    const correct = predictions.filter((p, i) => p.label === posts[i]?.label).length;
    expect(posts).toHaveLength(generalisation.n);
    expect(correct / posts.length).toBeCloseTo(generalisation.accuracy, 4);
  });
});

describe("loadModel errors", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tweetream-model-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names the missing metadata file", async () => {
    const error = await loadModel(path.join(dir, "absent")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(String(error)).toContain(path.join(dir, "absent", "metadata.json"));
  });

  it("refuses a model trained on another preprocessing version", async () => {
    await cp(DEFAULT_MODEL_DIR, dir, { recursive: true });
    const metadata: unknown = JSON.parse(await readFile(path.join(dir, "metadata.json"), "utf8"));
    await writeFile(
      path.join(dir, "metadata.json"),
      JSON.stringify({ ...(metadata as object), preprocessingVersion: "0-old" }),
    );
    await expect(loadModel(dir)).rejects.toThrow(/preprocessing version 0-old/);
  });

  it("refuses a vocabulary that differs from its sha256 in metadata.json", async () => {
    await cp(DEFAULT_MODEL_DIR, dir, { recursive: true });
    const file = path.join(dir, "traffic-v2.vocabulary.txt");
    await writeFile(file, (await readFile(file, "utf8")).replace("macet\n", "macat\n"));
    const error = await loadModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(String(error)).toMatch(/traffic-v2\.vocabulary\.txt has sha256 [0-9a-f]{64}, but/);
  });

  it("names the missing model file", async () => {
    const metadata: unknown = JSON.parse(
      await readFile(path.join(DEFAULT_MODEL_DIR, "metadata.json"), "utf8"),
    );
    await writeFile(
      path.join(dir, "metadata.json"),
      JSON.stringify({ ...(metadata as object), file: "gone.onnx" }),
    );
    await expect(loadModel(dir)).rejects.toThrow(/gone\.onnx cannot be read/);
  });
});
