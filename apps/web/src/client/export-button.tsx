"use client";
// Downloads the shown range and filters as a file from GET /export, counting
// the records as they arrive against the server's X-Tweetream-Records (the
// records in the range before filtering), with a Cancel that stops the
// transfer (the server then stops reading Kafka). The file is assembled in
// memory and handed to the browser as a download when complete.
import { useRef, useState } from "react";
import { exportRefusalText } from "./graphql-errors.ts";
import { RecordCounter, type ExportFormat as Format } from "./record-counter.ts";
import type { Label, PostSource } from "./graphql-operations.ts";

type ExportState =
  | { kind: "idle" }
  | { kind: "running"; received: number; total: number | null }
  | { kind: "done"; received: number; file: string }
  | { kind: "cancelled"; received: number }
  | { kind: "failed"; message: string };

/** The file name in a Content-Disposition header, or `fallback`. */
function fileName(disposition: string | null, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(disposition ?? "");
  return match?.[1] ?? fallback;
}

const buttonClass =
  "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300";
const selectClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900";

export function ExportButton({
  topic,
  labels,
  sources,
  from,
  to,
}: {
  topic: string;
  labels: Label[] | null;
  sources: PostSource[] | null;
  from: string;
  to: string | null;
}) {
  const [format, setFormat] = useState<Format>("csv");
  const [state, setState] = useState<ExportState>({ kind: "idle" });
  const abort = useRef<AbortController | null>(null);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    const params = new URLSearchParams({ topic, from, format });
    if (to !== null) params.set("to", to);
    if (labels) params.set("labels", labels.map((l) => l.toLowerCase()).join(","));
    if (sources) params.set("sources", sources.map((s) => s.toLowerCase()).join(","));
    setState({ kind: "running", received: 0, total: null });
    let received = 0;
    try {
      const response = await fetch(`/export?${params.toString()}`, { signal: controller.signal });
      if (!response.ok) {
        setState({
          kind: "failed",
          message: exportRefusalText(
            response.status,
            response.statusText,
            await response.text(),
            response.headers.get("retry-after"),
          ),
        });
        return;
      }
      const header = Number(response.headers.get("x-tweetream-records"));
      const total = Number.isFinite(header) && header >= 0 ? header : null;
      const counter = new RecordCounter(format);
      const decoder = new TextDecoder();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      const reader = response.body?.getReader();
      setState({ kind: "running", received, total });
      if (reader) {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          counter.push(decoder.decode(value, { stream: true }));
          received = counter.records;
          setState({ kind: "running", received, total });
        }
      }
      const name = fileName(
        response.headers.get("content-disposition"),
        `tweetream_${topic}.${format}`,
      );
      const url = URL.createObjectURL(
        new Blob(chunks, { type: response.headers.get("content-type") ?? "" }),
      );
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 60_000);
      setState({ kind: "done", received, file: name });
    } catch (error) {
      if (controller.signal.aborted) setState({ kind: "cancelled", received });
      else {
        setState({
          kind: "failed",
          message: `Export failed after ${received.toLocaleString()} records: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    } finally {
      abort.current = null;
    }
  };

  const running = state.kind === "running";
  return (
    <div className="flex flex-col gap-2" data-testid="export">
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-2 text-sm font-medium">
          Export format
          <select
            className={selectClass}
            value={format}
            disabled={running}
            onChange={(event) => {
              setFormat(event.target.value === "ndjson" ? "ndjson" : "csv");
            }}
          >
            <option value="csv">CSV</option>
            <option value="ndjson">NDJSON</option>
          </select>
        </label>
        {running ? (
          <button
            type="button"
            className={buttonClass}
            onClick={() => {
              abort.current?.abort();
            }}
          >
            Cancel export
          </button>
        ) : (
          <button type="button" className={buttonClass} onClick={() => void start()}>
            Export range
          </button>
        )}
      </div>
      <ExportStatus state={state} />
    </div>
  );
}

function ExportStatus({ state }: { state: ExportState }) {
  switch (state.kind) {
    case "idle":
      return null;
    case "running":
      return (
        <div role="status" data-testid="export-status" className="flex flex-col gap-1 text-sm">
          <span>
            Exporting: {state.received.toLocaleString()}
            {state.total === null
              ? " records"
              : ` of ${state.total.toLocaleString()} records in the range (before filters)`}
          </span>
          {state.total !== null && (
            <progress
              className="w-full"
              aria-label="Export progress"
              max={Math.max(1, state.total)}
              value={Math.min(state.received, state.total)}
            />
          )}
        </div>
      );
    case "done":
      return (
        <p role="status" data-testid="export-status" data-state="done" className="text-sm">
          Exported {state.received.toLocaleString()} records to {state.file}.
        </p>
      );
    case "cancelled":
      return (
        <p role="status" data-testid="export-status" data-state="cancelled" className="text-sm">
          Export cancelled after {state.received.toLocaleString()} records.
        </p>
      );
    case "failed":
      return (
        <p
          role="alert"
          data-testid="export-status"
          data-state="failed"
          className="text-sm text-rose-700 dark:text-rose-300"
        >
          {state.message}
        </p>
      );
  }
}
