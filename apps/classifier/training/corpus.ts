// Reads the labelled corpora of Kurniawan et al. and turns them into the
// de-duplicated, preprocessed corpus the model is trained on. Shared by
// prepare-corpus.ts and the parity test so both see exactly the same items.
import { createHash } from "node:crypto";
import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import type { ModelLabel } from "@tweetream/shared";

/** How a corpus file stores its posts. */
type Layout = { kind: "lines"; label: ModelLabel } | { kind: "csv"; label?: ModelLabel };

/** The corpus files used, in the order they are read (the first occurrence of a text wins). */
export const CORPUS_FILES: readonly { file: string; layout: Layout }[] = [
  { file: "traffic_tweets_combined.txt", layout: { kind: "lines", label: "traffic" } },
  { file: "distinct_traffic_tweets.csv", layout: { kind: "csv", label: "traffic" } },
  { file: "non_traffic_tweets.txt", layout: { kind: "lines", label: "non_traffic" } },
  { file: "random_tweets.txt", layout: { kind: "lines", label: "non_traffic" } },
  { file: "test_set_10000.csv", layout: { kind: "csv" } },
  { file: "test_set_5000.csv", layout: { kind: "csv" } },
];

/** One post as read from a corpus file. */
export interface RawRecord {
  text: string;
  label: ModelLabel;
  source: string;
  /** 1-based line number (text files) or record number (CSV files). */
  record: number;
}

/** One training item: a unique cleaned text and where it was first seen. */
export interface CorpusItem {
  cleanText: string;
  label: ModelLabel;
  source: string;
  record: number;
  /** sha256 (hex) of the original post text. */
  sha256: string;
}

export interface CorpusStats {
  read: Record<string, number>;
  emptyAfterCleaning: number;
  /** Records dropped because an earlier record had the same cleaned text. */
  duplicates: number;
  /** Cleaned texts seen with both labels; all their records are dropped. */
  conflictingTexts: number;
  conflictingRecords: number;
  items: Record<ModelLabel, number>;
}

// text,label[,token-list]; the label column decides when the file has no fixed label.
const csvRow = z.tuple([z.string(), z.enum(["traffic", "non_traffic"])]).rest(z.string());

/** sha256 (hex) of bytes, or of a string's UTF-8 bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Fails with a message naming TWEETREAM_DATA_DIR when the corpora are not where expected. */
export async function assertDataDir(dir: string): Promise<void> {
  for (const { file } of CORPUS_FILES) {
    try {
      await access(path.join(dir, file));
    } catch {
      throw new Error(
        `corpus file ${path.join(dir, file)} not found: put the corpora at <repo>/../shared/data or set TWEETREAM_DATA_DIR to their folder`,
      );
    }
  }
}

/** Reads every post of one corpus file. */
export async function readCorpusFile(
  dir: string,
  file: string,
  layout: Layout,
): Promise<RawRecord[]> {
  const content = await readFile(path.join(dir, file), "utf8");
  if (layout.kind === "lines") {
    // Split on \n only: a few posts contain a bare \r that is part of the text.
    return content
      .split("\n")
      .map((text, index) => ({ text, label: layout.label, source: file, record: index + 1 }))
      .filter(({ text }) => text.trim() !== "");
  }
  const rows: unknown = parse(content, { relax_column_count: true });
  return z
    .array(csvRow)
    .parse(rows)
    .map(([text, label], index) => ({
      text,
      label: layout.label ?? label,
      source: file,
      record: index + 1,
    }));
}

/** Reads every corpus file of {@link CORPUS_FILES} from `dir`. */
export async function readCorpora(dir: string): Promise<RawRecord[]> {
  await assertDataDir(dir);
  const all = await Promise.all(
    CORPUS_FILES.map(({ file, layout }) => readCorpusFile(dir, file, layout)),
  );
  return all.flat();
}

/**
 * Cleans every record, drops empty results, keeps the first record of each
 * cleaned text and drops texts seen with both labels.
 */
export function buildCorpus(
  records: readonly RawRecord[],
  clean: (text: string) => string,
): { items: CorpusItem[]; stats: CorpusStats } {
  const read: Record<string, number> = {};
  const first = new Map<string, CorpusItem>();
  const labels = new Map<string, Set<ModelLabel>>();
  const counts = new Map<string, number>();
  let emptyAfterCleaning = 0;
  for (const record of records) {
    read[record.source] = (read[record.source] ?? 0) + 1;
    const cleanText = clean(record.text);
    if (cleanText === "") {
      emptyAfterCleaning++;
      continue;
    }
    counts.set(cleanText, (counts.get(cleanText) ?? 0) + 1);
    const seen = labels.get(cleanText);
    if (seen === undefined) labels.set(cleanText, new Set([record.label]));
    else seen.add(record.label);
    if (!first.has(cleanText)) {
      first.set(cleanText, {
        cleanText,
        label: record.label,
        source: record.source,
        record: record.record,
        sha256: sha256(record.text),
      });
    }
  }
  const items: CorpusItem[] = [];
  let conflictingTexts = 0;
  let conflictingRecords = 0;
  let kept = 0;
  for (const [cleanText, item] of first) {
    if ((labels.get(cleanText)?.size ?? 0) > 1) {
      conflictingTexts++;
      conflictingRecords += counts.get(cleanText) ?? 0;
      continue;
    }
    kept += counts.get(cleanText) ?? 0;
    items.push(item);
  }
  return {
    items,
    stats: {
      read,
      emptyAfterCleaning,
      duplicates: kept - items.length,
      conflictingTexts,
      conflictingRecords,
      items: {
        traffic: items.filter((item) => item.label === "traffic").length,
        non_traffic: items.filter((item) => item.label === "non_traffic").length,
      },
    },
  };
}
