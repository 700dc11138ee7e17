// How many posts of the labelled corpora the language gate keeps from the model,
// as if no source had tagged their language (the case the detector decides).
// Shared by measure-language-gate.ts (the published figures) and its test.
import type { LanguageGate } from "@tweetream/shared";
import { createLanguageGate, type DetectLanguageMode } from "../src/language-gate.ts";
import { CORPUS_FILES, readCorpusFile, assertDataDir } from "./corpus.ts";

/** What the gate did to one corpus file. */
export interface CorpusGateFigures {
  file: string;
  posts: number;
  /** Posts kept from the model. */
  gated: number;
  /** Share of posts that still get a traffic label, from 0 to 1. */
  kept: number;
  /** Gated posts per language, most first. */
  languages: [string, number][];
  /** The gated posts' texts, with the language each was placed in, in corpus order. */
  gatedPosts: { language: string; text: string }[];
}

/** Runs the gate in `mode` over every corpus file in `dir`, each post untagged (`und`). */
export async function measureGateOnCorpora(
  dir: string,
  languages: readonly string[],
  mode: DetectLanguageMode,
): Promise<CorpusGateFigures[]> {
  await assertDataDir(dir);
  const gate = createLanguageGate({ languages, mode });
  const figures: CorpusGateFigures[] = [];
  for (const { file, layout } of CORPUS_FILES) {
    const records = await readCorpusFile(dir, file, layout);
    const byLanguage = new Map<string, number>();
    const gatedPosts: { language: string; text: string }[] = [];
    for (const { text } of records) {
      const reason: LanguageGate | undefined = await gate.check({ text, lang: "und" });
      if (!reason) continue;
      gatedPosts.push({ language: reason.language, text });
      byLanguage.set(reason.language, (byLanguage.get(reason.language) ?? 0) + 1);
    }
    figures.push({
      file,
      posts: records.length,
      gated: gatedPosts.length,
      kept: records.length === 0 ? 1 : 1 - gatedPosts.length / records.length,
      languages: [...byLanguage].sort((a, b) => b[1] - a[1]),
      gatedPosts,
    });
  }
  return figures;
}
