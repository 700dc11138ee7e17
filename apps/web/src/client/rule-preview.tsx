"use client";
// The topic form's rule preview: once the rule has stayed the same for a
// moment, what it would have matched in the last hour, with progress while the
// server scans. It uses the `previewRule` subscription rather than the query:
// a scan of an hour can take seconds, and the subscription shows how far it
// got; a new rule ends the old subscription, which stops the server's scan.
import { skipToken, useSubscription } from "@apollo/client/react";
import { useState } from "react";
import { formErrors } from "./graphql-errors.ts";
import { PREVIEW_RULE } from "./graphql-operations.ts";
import { useDebounced } from "./use-debounced.ts";

/** Sample posts shown. */
const SAMPLE = 3;
const count = new Intl.NumberFormat("en");

const LABEL_NAMES = {
  TRAFFIC: "traffic",
  NON_TRAFFIC: "non-traffic",
  NOT_CLASSIFIED: "not classified",
} as const;

export function RulePreview({ rule }: { rule: string }) {
  const settled = useDebounced(rule, 600);
  // A result with complete: false is a partial one until the server ends the
  // subscription; then it is final, stopped at the server's limit.
  const [endedFor, setEndedFor] = useState<string | null>(null);
  const { data, error } = useSubscription(
    PREVIEW_RULE,
    settled.trim() === ""
      ? skipToken
      : {
          variables: { rule: settled, first: SAMPLE },
          onComplete: () => {
            setEndedFor(settled);
          },
        },
  );
  if (rule.trim() === "") return null;
  if (error) {
    const sorted = formErrors(error);
    // A bad rule is shown by the rule check above, at its position.
    if (sorted.fields.rule) return null;
    const message = sorted.general[0]?.message ?? Object.values(sorted.fields)[0]?.message;
    return (
      <p
        role="alert"
        data-testid="preview-error"
        className="text-xs text-rose-700 dark:text-rose-300"
      >
        Preview unavailable: {message ?? "unknown error"}
      </p>
    );
  }
  const preview = settled === rule ? data?.previewRule : undefined;
  if (!preview) {
    return (
      <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="preview-progress">
        Previewing the last hour…
      </p>
    );
  }
  const { labels } = preview;
  const stillScanning = !preview.complete && endedFor !== settled;
  return (
    <section
      aria-label="What it would have matched in the last hour"
      aria-live="polite"
      data-testid="rule-preview"
      className="flex flex-col gap-1 rounded-md bg-slate-50 p-2 text-xs dark:bg-slate-800/60"
    >
      <p data-testid="preview-count">
        <strong>{count.format(preview.matched)}</strong> of {count.format(preview.scanned)} posts in
        the last hour matched
        {preview.complete ? "" : stillScanning ? " so far" : ""}
      </p>
      {preview.complete || !stillScanning ? (
        <p data-testid="preview-labels" className="text-slate-600 dark:text-slate-300">
          {count.format(labels.traffic)} traffic · {count.format(labels.nonTraffic)} non-traffic ·{" "}
          {count.format(labels.notClassified)} not classified · {count.format(labels.unknown)} label
          unknown
        </p>
      ) : null}
      {stillScanning && (
        <div data-testid="preview-progress" className="flex items-center gap-2">
          <progress max={preview.total} value={preview.scanned} className="h-1.5 w-32" />
          <span>
            scanning {count.format(preview.scanned)} of {count.format(preview.total)}…
          </span>
        </div>
      )}
      {!preview.complete && !stillScanning && (
        <p className="text-amber-700 dark:text-amber-300" data-testid="preview-stopped">
          Stopped at the server&apos;s limit: the counts cover the newest{" "}
          {count.format(preview.scanned)} of {count.format(preview.total)} posts.
        </p>
      )}
      {preview.sample.length > 0 && (
        <ul className="mt-1 flex flex-col gap-1" data-testid="preview-sample">
          {preview.sample.map((post) => (
            <li
              key={post.id}
              data-testid="preview-post"
              className="rounded border border-slate-200 bg-white p-1.5 dark:border-slate-700 dark:bg-slate-900"
            >
              <p className="break-words">{post.text}</p>
              <p className="text-slate-500 dark:text-slate-400">
                @{post.author.username} ·{" "}
                <time dateTime={post.createdAt}>{new Date(post.createdAt).toLocaleString()}</time>
                {post.label ? ` · ${LABEL_NAMES[post.label]}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
