// GET /export?topic=…&from=…&to=…&format=ndjson|csv&labels=…&sources=…
// Streams a topic's posts over a time range from Kafka (log-export.ts). Bad
// parameters get a 400 naming the parameter; an unknown topic 404; a range
// older than retention 410 with the oldest moment kept; too many exports at
// once 429. docs/API.md, "Export".
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import {
  PostLabel,
  PostSource,
  SLUG_PATTERN,
  type ClassifiedPost,
  type Logger,
} from "@tweetream/shared";
import { z } from "zod";
import { postFilter } from "../hub/post-filter.ts";
import { EXPORT_FORMATS, exportBody } from "./log-export.ts";
import { HistoryExpiredError, partitionRanges, type LogSource } from "./log-range.ts";

export interface ExportDeps {
  source: LogSource;
  /** True when the topic exists and this process serves it. */
  topicExists: (slug: string) => boolean | Promise<boolean>;
  /** Posts to leave out (deleted at their source). */
  hidden?: (post: ClassifiedPost) => boolean;
  logger: Logger;
  /** Exports this process runs at once; more are refused with 429 (default 4). */
  maxConcurrent?: number;
}

/** A comma-separated list parameter, as an array (absent or empty: undefined). */
const commaList = z
  .string()
  .optional()
  .transform((value) => (value ? value.split(",").map((v) => v.trim()) : undefined));

const moment = z.iso
  .datetime({ offset: true })
  .transform((value) => Date.parse(value))
  .optional();

const ExportQuery = z
  .object({
    topic: z.string().regex(SLUG_PATTERN, "must be a topic slug"),
    from: moment,
    to: moment,
    format: z.enum(EXPORT_FORMATS).default("ndjson"),
    labels: commaList.pipe(z.array(PostLabel).optional()),
    sources: commaList.pipe(z.array(PostSource).optional()),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    error: "must not be before from",
    path: ["to"],
  });

const CONTENT_TYPES = {
  ndjson: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8; header=present",
} as const;

/** The handler of `GET /export`. */
export function exportHandler(deps: ExportDeps) {
  const maxConcurrent = deps.maxConcurrent ?? 4;
  let running = 0;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      refuse(response, 405, "METHOD_NOT_ALLOWED", "use GET", { allow: "GET, HEAD" });
      return;
    }
    const url = new URL(request.url ?? "/", "http://localhost");
    const parsed = ExportQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = String(issue?.path[0] ?? "query");
      refuse(
        response,
        400,
        "BAD_REQUEST",
        `${param}: ${issue?.message ?? "invalid"}`,
        {},
        { param },
      );
      return;
    }
    const query = parsed.data;
    if (!(await deps.topicExists(query.topic))) {
      refuse(response, 404, "NOT_FOUND", `there is no topic with the slug ${query.topic}`);
      return;
    }
    if (running >= maxConcurrent) {
      refuse(
        response,
        429,
        "TOO_MANY_EXPORTS",
        `too many exports are running (at most ${String(maxConcurrent)} at once)`,
        { "retry-after": "5" },
      );
      return;
    }
    running++;
    try {
      const topic = deps.source.topicOf(query.topic);
      let ranges;
      try {
        ranges = await partitionRanges(deps.source, topic, query);
      } catch (error) {
        if (!(error instanceof HistoryExpiredError)) throw error;
        const oldestAvailable = new Date(error.oldestAvailable).toISOString();
        refuse(response, 410, "HISTORY_EXPIRED", error.message, {}, { oldestAvailable });
        return;
      }
      const records = ranges.reduce((sum, r) => sum + (r.hi - r.lo), 0n);
      const name = [query.topic, stamp(query.from), stamp(query.to)].filter(Boolean).join("_");
      response.writeHead(200, {
        "content-type": CONTENT_TYPES[query.format],
        "content-disposition": `attachment; filename="tweetream_${name}.${query.format}"`,
        "cache-control": "no-store",
        // Records in the range before filtering: a client can show progress by it.
        "x-tweetream-records": String(records),
      });
      if (request.method === "HEAD") {
        response.end();
        return;
      }
      const body = exportBody(deps.source, topic, ranges, {
        format: query.format,
        filter: postFilter(query),
        ...(deps.hidden ? { hidden: deps.hidden } : {}),
      });
      await pipeline(body, response).catch((error: unknown) => {
        // The client went away (nothing to tell), or reading failed mid-way:
        // the response is cut off, which the client sees as an incomplete body.
        if (!response.writableEnded && !request.destroyed) {
          deps.logger.warn({ err: error, topic: query.topic }, "export failed mid-way");
        }
      });
    } catch (error) {
      deps.logger.error({ err: error, topic: query.topic }, "export failed");
      if (!response.headersSent)
        refuse(response, 503, "UNAVAILABLE", "Kafka could not be read; try again");
      else response.destroy();
    } finally {
      running--;
    }
  };
}

function stamp(at: number | undefined): string {
  return at === undefined
    ? ""
    : new Date(at)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d+Z$/, "Z");
}

function refuse(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  details: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(`${JSON.stringify({ error: { code, message, ...details } })}\n`);
}
