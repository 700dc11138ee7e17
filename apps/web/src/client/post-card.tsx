import { memo } from "react";
import { highlightRuns, type HighlightTerm } from "@tweetream/text/browser";
import type { Post } from "./graphql-operations.ts";
import { LabelBadge } from "./label-badge.tsx";
import { SourceBadge } from "./source-badge.tsx";

const time = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

/** One classified post; the rule's terms are <mark>ed, the text is never parsed as HTML. */
export const PostCard = memo(function PostCard({
  post,
  terms,
}: {
  post: Post;
  terms: readonly HighlightTerm[];
}) {
  const created = new Date(post.createdAt);
  return (
    <li
      data-testid="post"
      data-id={post.id}
      className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
        <span className="font-medium">
          {/* A Bluesky author whose handle is not known yet goes by their DID. */}
          {post.author.username ? `@${post.author.username}` : post.author.id}
        </span>
        <SourceBadge source={post.source} url={post.url} />
        <time dateTime={post.createdAt} className="text-xs text-slate-500 dark:text-slate-400">
          {Number.isNaN(created.getTime()) ? post.createdAt : time.format(created)}
        </time>
        {post.editedAt !== null && (
          <span
            data-testid="edited"
            className="text-xs text-slate-500 italic dark:text-slate-400"
            title={`Edited ${post.editedAt}`}
          >
            edited
          </span>
        )}
        <span className="ml-auto flex items-center gap-2">
          <LabelBadge label={post.label} language={post.notClassifiedLanguage} />
          {post.label !== "NOT_CLASSIFIED" && (
            <span
              className="text-xs tabular-nums text-slate-500 dark:text-slate-400"
              title="Model confidence"
            >
              {Math.round(post.score * 100)}%
            </span>
          )}
        </span>
      </div>
      <p className="mt-1.5 break-words whitespace-pre-line text-[15px] leading-snug">
        {highlightRuns(post.text, terms).map((run, index) =>
          run.highlight ? (
            <mark
              key={index}
              className="rounded bg-yellow-200 px-0.5 text-inherit dark:bg-yellow-700/60"
            >
              {run.text}
            </mark>
          ) : (
            run.text
          ),
        )}
      </p>
    </li>
  );
});
