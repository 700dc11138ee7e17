import { open, readFile } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { MAX_TEXT_LENGTH, TweetreamError } from "@tweetream/shared";
import { parse } from "csv-parse";
import { z } from "zod";
import { DEFAULT_TICK_MS, Pacer, rateSchema, systemClock, type Clock } from "./pacer.ts";
import { replaceFile } from "./replace-file.ts";
import type { Emit, RawPost, Source } from "./source.ts";

/** Corpus formats the file source reads. */
export const CorpusFormat = z.enum(["csv", "txt", "jsonl"]);
export type CorpusFormat = z.infer<typeof CorpusFormat>;

/** One usable record of a corpus file. */
export interface CorpusRecord {
  /** CSV: number of the record among the parsable ones after any header; TXT and JSONL: line number (1-based). */
  n: number;
  text: string;
  label?: string;
  id?: string;
  lang?: string;
  author?: RawPost["author"];
  /** ISO 8601, normalised. */
  createdAt?: string;
}

/** Called for each record that cannot be used, with its number and why. */
export type OnSkip = (n: number, reason: string) => void;

/** The format for a path: from `format` if given, else from the extension. */
export function formatOf(path: string, format?: CorpusFormat): CorpusFormat {
  if (format) return format;
  switch (extname(path).toLowerCase()) {
    case ".csv":
      return "csv";
    case ".txt":
      return "txt";
    case ".jsonl":
    case ".ndjson":
      return "jsonl";
    default:
      throw new TweetreamError(
        `file source: cannot tell the format of "${path}" from its extension (.csv, .txt, .jsonl, .ndjson); set the format option`,
        { retriable: false },
      );
  }
}

/**
 * Streams the records of a corpus file (never the whole file in memory).
 * Blank lines are not records; unusable records go to `onSkip`. Rejects with
 * an error naming the path if the file cannot be opened.
 */
export async function* readCorpus(
  path: string,
  { format, onSkip = () => undefined }: { format?: CorpusFormat; onSkip?: OnSkip } = {},
): AsyncGenerator<CorpusRecord> {
  const kind = formatOf(path, format);
  let handle;
  try {
    handle = await open(path, "r");
    if (!(await handle.stat()).isFile())
      throw Object.assign(new Error("not a file"), { code: "EISDIR" });
  } catch (error) {
    await handle?.close();
    const code = error instanceof Error && "code" in error ? String(error.code) : "unknown error";
    throw new TweetreamError(`file source: cannot read "${path}" (${code})`, {
      retriable: false,
      cause: error,
    });
  }
  const stream = handle.createReadStream({ encoding: "utf8" });
  try {
    if (kind === "csv") yield* csvRecords(stream, onSkip);
    else yield* lineRecords(stream, kind, onSkip);
  } finally {
    stream.destroy();
    await handle.close().catch(() => undefined);
  }
}

async function* csvRecords(
  stream: NodeJS.ReadableStream,
  onSkip: OnSkip,
): AsyncGenerator<CorpusRecord> {
  let n = 0;
  const parser = stream.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      // Tweets contain stray quotes inside unquoted fields; keep them as text.
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      // Numbers count good records only: the parser runs ahead of this loop,
      // so counting skips here would make the numbering depend on chunking.
      on_skip: (error) => {
        onSkip(n + 1, error?.message ?? "malformed CSV record");
      },
    }),
  );
  // Without a header the columns are text,label; a first record with a cell
  // "text" is a header and names the columns (extra columns are ignored).
  let columns: Partial<Record<"text" | "label" | "id" | "lang" | "createdAt", number>> | undefined;
  for await (const row of parser as AsyncIterable<string[]>) {
    if (columns === undefined) {
      const names = row.map((cell) => cell.trim().toLowerCase());
      if (names.includes("text")) {
        columns = {};
        for (const [name, key] of [
          ["text", "text"],
          ["label", "label"],
          ["id", "id"],
          ["lang", "lang"],
          ["createdat", "createdAt"],
          ["created_at", "createdAt"],
        ] as const) {
          const index = names.indexOf(name);
          if (index >= 0) columns[key] = index;
        }
        continue;
      }
      columns = { text: 0, label: 1 };
    }
    n += 1;
    const cell = (index: number | undefined) => {
      const value = index === undefined ? undefined : row[index]?.trim();
      return value === "" ? undefined : value;
    };
    const record = checkText(n, cell(columns.text), onSkip);
    if (!record) continue;
    const label = cell(columns.label);
    const id = cell(columns.id);
    const lang = cell(columns.lang);
    const createdAt = isoOrUndefined(cell(columns.createdAt));
    yield {
      ...record,
      ...(label && { label }),
      ...(id && { id }),
      ...(lang && { lang }),
      ...(createdAt && { createdAt }),
    };
  }
}

const idLike = z.union([z.string().min(1), z.number()]).transform(String);
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** A JSONL object: `text` is required; malformed optional fields are ignored. */
const JsonlRecord = z.object({
  text: z.string(),
  label: optional(z.string()),
  id: optional(idLike),
  lang: optional(z.string().min(2).max(16)),
  author: optional(
    z.union([
      z.object({ id: idLike, username: z.string() }),
      z
        .string()
        .min(1)
        .transform((username) => ({ id: username, username })),
    ]),
  ),
  createdAt: optional(z.union([z.string(), z.number()])),
});

async function* lineRecords(
  stream: AsyncIterable<unknown>,
  kind: "txt" | "jsonl",
  onSkip: OnSkip,
): AsyncGenerator<CorpusRecord> {
  let n = 0;
  for await (const raw of lines(stream)) {
    n += 1;
    const line = n === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (line.trim() === "") continue;
    if (kind === "txt") {
      const record = checkText(n, line.trim(), onSkip);
      if (record) yield record;
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      onSkip(n, "not JSON");
      continue;
    }
    const parsed = JsonlRecord.safeParse(json);
    if (!parsed.success) {
      onSkip(n, "not an object with a string `text`");
      continue;
    }
    const { text, label, id, lang, author, createdAt } = parsed.data;
    const record = checkText(n, text.trim(), onSkip);
    if (!record) continue;
    const iso = isoOrUndefined(createdAt);
    yield {
      ...record,
      ...(label !== undefined && { label }),
      ...(id !== undefined && { id }),
      ...(lang !== undefined && { lang }),
      ...(author !== undefined && { author }),
      ...(iso !== undefined && { createdAt: iso }),
    };
  }
}

/**
 * Splits on "\n" (dropping a "\r" before it). Not node:readline, which also
 * breaks lines at a lone "\r", and corpus tweets contain those inside a post.
 */
async function* lines(stream: AsyncIterable<unknown>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream) {
    const parts = (rest + String(chunk)).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) yield part.endsWith("\r") ? part.slice(0, -1) : part;
  }
  if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

function checkText(n: number, text: string | undefined, onSkip: OnSkip): CorpusRecord | undefined {
  if (!text) {
    onSkip(n, "no text");
    return undefined;
  }
  if (text.length > MAX_TEXT_LENGTH) {
    onSkip(n, `text longer than ${MAX_TEXT_LENGTH} characters`);
    return undefined;
  }
  return { n, text };
}

function isoOrUndefined(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Options of the file source (defaults: 100 posts/s, no looping, lang "id"). */
export const FileSourceOptions = z.object({
  path: z.string().min(1),
  rate: rateSchema.default(100),
  /** Start again at the end of the file (ids of later passes end in `-r<pass>`). */
  loop: z.boolean().default(false),
  /** Default: from the extension (.csv, .txt, .jsonl, .ndjson). */
  format: CorpusFormat.optional(),
  /** For records without their own `lang`. */
  lang: z.string().min(2).max(16).default("id"),
  /** Most posts per `emit` call. */
  batchSize: z.int().min(1).max(10_000).default(500),
  /** Batching interval, ms: about one batch per tick. */
  tickMs: z.number().min(1).max(1_000).default(DEFAULT_TICK_MS),
  /**
   * A small file recording the last record whose batch `emit` acknowledged
   * (default none: every run starts at the top of the file). A run with it
   * resumes after that record.
   */
  checkpointPath: z.string().min(1).optional(),
});
export type FileSourceOptions = z.input<typeof FileSourceOptions>;

/** Counts since creation (cumulative over `run` calls). */
export interface FileSourceStats {
  readonly emitted: number;
  /** Records that could not be used (bad JSON, no text, malformed CSV); counted on every pass. */
  readonly skipped: number;
  /** The pass being read: 1, then 2… when looping. */
  readonly pass: number;
}

/** A source replaying a corpus file. */
export interface FileSource extends Source {
  readonly kind: "file";
  readonly stats: FileSourceStats;
}

/** What a checkpoint file holds: the last acknowledged record of a corpus. */
const Checkpoint = z.object({
  v: z.literal(1),
  /** Absolute path of the corpus. */
  path: z.string(),
  pass: z.int().min(1),
  /** The record's number (CorpusRecord.n). */
  n: z.int().min(0),
});
type Checkpoint = z.infer<typeof Checkpoint>;

/** The checkpoint at `file`, or undefined if there is none; throws naming the file if it is unusable. */
export async function readCheckpoint(
  file: string,
  corpus: string,
): Promise<{ pass: number; n: number } | undefined> {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
    throw new TweetreamError(`file source: cannot read the checkpoint "${file}"`, {
      retriable: false,
      cause: error,
    });
  }
  let parsed;
  try {
    parsed = Checkpoint.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    throw new TweetreamError(
      `file source: the checkpoint "${file}" is not a file source checkpoint; delete it to replay from the start`,
      { retriable: false },
    );
  }
  if (parsed.data.path !== resolve(corpus)) {
    throw new TweetreamError(
      `file source: the checkpoint "${file}" belongs to "${parsed.data.path}", not "${resolve(corpus)}"; delete it or use another checkpoint path`,
      { retriable: false },
    );
  }
  return { pass: parsed.data.pass, n: parsed.data.n };
}

async function writeCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  await replaceFile(file, `${JSON.stringify(checkpoint)}\n`);
}

/** Longest basename kept in ids, so ids stay short (the downstream limit is MAX_POST_ID_LENGTH). */
const MAX_ID_BASENAME = 32;
/** Longest own record id used as the post id. */
const MAX_OWN_ID = 48;

/**
 * Replays a corpus (CSV `text,label`, TXT one post a line, or JSONL) at
 * `rate`, streaming the file. Ids are `file-<basename>-<n>` (or the record's
 * own JSONL/CSV `id`, up to 48 characters), with `-r<pass>` appended from the second pass on, so a
 * replayed loop is not dropped as a duplicate downstream. `run` rejects with an
 * error naming the path if the file cannot be read; throws a ZodError on
 * invalid options. With `checkpointPath`, it records the last record of each
 * acknowledged batch there and a later run resumes after it.
 */
export function createFileSource(
  options: FileSourceOptions,
  { clock = systemClock }: { clock?: Clock } = {},
): FileSource {
  const { path, rate, loop, format, lang, batchSize, tickMs, checkpointPath } =
    FileSourceOptions.parse(options);
  const kind = formatOf(path, format);
  const base = basename(path, extname(path)).slice(0, MAX_ID_BASENAME);
  const fileAuthor = { id: `file-${base}`, username: base };
  const stats = { emitted: 0, skipped: 0, pass: 1 };
  const onSkip = () => {
    stats.skipped += 1;
  };

  function toPost(record: CorpusRecord, pass: number, now: string): RawPost {
    // Own ids are kept short (48 characters) and leave room for "-r<pass>".
    const own = record.id !== undefined && record.id.length <= MAX_OWN_ID ? record.id : undefined;
    const id = own ?? `file-${base}-${record.n}`;
    return {
      id: pass === 1 ? id : `${id}-r${pass}`,
      text: record.text,
      author: record.author ?? fileAuthor,
      createdAt: record.createdAt ?? now,
      lang: record.lang ?? lang,
    };
  }

  /**
   * Reads records across passes, from just after `resume` if given; undefined
   * at the end (or after a pass with no usable record).
   */
  function passReader(resume: { pass: number; n: number } | undefined) {
    let pass = resume?.pass ?? 1;
    let usedThisPass = 0;
    stats.pass = pass;
    let records = readCorpus(path, { format: kind, onSkip });
    return {
      async next(): Promise<{ record: CorpusRecord; pass: number } | undefined> {
        for (;;) {
          const next = await records.next();
          if (!next.done) {
            usedThisPass += 1;
            // Records up to the checkpoint were acknowledged by an earlier run.
            if (pass === resume?.pass && next.value.n <= resume.n) continue;
            return { record: next.value, pass };
          }
          // A pass without a single usable record would loop forever doing nothing.
          if (!loop || usedThisPass === 0) return undefined;
          pass += 1;
          usedThisPass = 0;
          stats.pass = pass;
          records = readCorpus(path, { format: kind, onSkip });
        }
      },
      close: async () => {
        await records.return(undefined);
      },
    };
  }

  async function run(emit: Emit, signal: AbortSignal): Promise<void> {
    const pacer = new Pacer({ rate, tickMs, clock });
    const resume =
      checkpointPath === undefined ? undefined : await readCheckpoint(checkpointPath, path);
    const reader = passReader(resume);
    try {
      // Reading one record ahead lets the source end as soon as the file does,
      // rather than after waiting for allowance it will not use.
      let ahead = await reader.next();
      while (ahead !== undefined) {
        const n = await pacer.take(batchSize, signal);
        if (n === 0) return;
        const now = new Date().toISOString();
        const batch: RawPost[] = [];
        let last = ahead;
        while (ahead !== undefined && batch.length < n) {
          last = ahead;
          batch.push(toPost(ahead.record, ahead.pass, now));
          ahead = await reader.next();
        }
        await emit(batch);
        stats.emitted += batch.length;
        // Only after `emit` resolved (Kafka acknowledged the batch): a crash
        // before this line replays the batch (at least once), never skips it.
        if (checkpointPath !== undefined) {
          await writeCheckpoint(checkpointPath, {
            v: 1,
            path: resolve(path),
            pass: last.pass,
            n: last.record.n,
          });
        }
      }
    } finally {
      await reader.close();
    }
  }

  return { kind: "file", stats, run };
}
