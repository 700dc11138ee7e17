// An export of a topic's posts over a time range, streamed straight from the
// topic's Kafka log: oldest first, as NDJSON (each line a post exactly as the
// Kafka contract carries it, docs/TOPICS.md) or CSV (RFC 4180, by
// csv-stringify). Memory stays flat whatever the range: one fetch per
// partition at most, and reading waits while the client is slow (stream
// backpressure) and stops when it goes away.
import { Readable } from "node:stream";
import type { ClassifiedPost, RawRecord } from "@tweetream/shared";
import { stringify } from "csv-stringify/sync";
import { passes, type PostFilter } from "../hub/post-filter.ts";
import { postOf, readForward, type LogSource, type PartitionRange } from "./log-range.ts";

export const EXPORT_FORMATS = ["ndjson", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The CSV columns, in order (the header row names them). */
export const CSV_COLUMNS = [
  "id",
  "created_at",
  "source",
  "url",
  "author_id",
  "author_username",
  "lang",
  "label",
  "score",
  "model",
  "text",
  "ingested_at",
  "classified_at",
  "kafka_partition",
  "kafka_offset",
] as const;

export interface ExportOptions {
  format: ExportFormat;
  filter?: PostFilter | undefined;
  /** Posts to leave out (e.g. deleted at their source). */
  hidden?: (post: ClassifiedPost) => boolean;
}

/**
 * The body of an export of `ranges` of `topic`, in `options.format`. Errors
 * while reading (e.g. retention removed the range meanwhile) destroy the
 * stream with the error; destroying it (the client went away) stops reading.
 */
export function exportBody(
  source: LogSource,
  topic: string,
  ranges: readonly PartitionRange[],
  options: ExportOptions,
): Readable {
  async function* body(): AsyncGenerator<string> {
    const csv = options.format === "csv";
    if (csv) yield stringify([], CSV_OPTIONS);
    for await (const record of readForward(source, topic, ranges)) {
      const post = postOf(record);
      if (!post || !passes(options.filter, post) || options.hidden?.(post)) continue;
      yield csv
        ? stringify([csvRow(post, record)], { ...CSV_OPTIONS, header: false })
        : `${JSON.stringify(post)}\n`;
    }
  }
  // Readable.from reads the generator only as fast as the response drains,
  // and returns it (ending the Kafka reads) when the stream is destroyed.
  return Readable.from(body(), { objectMode: false, highWaterMark: 64 * 1024 });
}

const CSV_OPTIONS = {
  header: true,
  columns: [...CSV_COLUMNS],
  // RFC 4180: CRLF between records.
  record_delimiter: "windows",
} as const;

function csvRow(
  post: ClassifiedPost,
  record: RawRecord,
): Record<(typeof CSV_COLUMNS)[number], string | number> {
  return {
    id: post.id,
    created_at: post.createdAt,
    source: post.source,
    url: post.url ?? "",
    author_id: post.author.id,
    author_username: post.author.username,
    lang: post.lang,
    label: post.label,
    score: post.score,
    model: `${post.model.name}@${post.model.version}`,
    text: post.text,
    ingested_at: new Date(post.ingestedAt).toISOString(),
    classified_at: new Date(post.classifiedAt).toISOString(),
    kafka_partition: record.partition,
    kafka_offset: record.offset,
  };
}
