import type { PostSource } from "./graphql-operations.ts";

export const SOURCE_TEXT: Record<PostSource, string> = {
  SYNTHETIC: "Synthetic",
  FILE: "Replay",
  X: "X",
  BLUESKY: "Bluesky",
  MASTODON: "Mastodon",
};

/** Where a post came from, as a quiet pill; a link to the original beside it where there is one. */
export function SourceBadge({ source, url }: { source: PostSource; url: string | null }) {
  const badge = (
    <span
      data-testid="source-badge"
      data-source={source}
      className="inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-inset ring-slate-300 dark:text-slate-300 dark:ring-slate-700"
    >
      {SOURCE_TEXT[source]}
    </span>
  );
  if (url === null) return badge;
  return (
    <a
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      data-testid="source-link"
      title={`Open this post on ${SOURCE_TEXT[source]}`}
      className="rounded-full focus-visible:outline-2 focus-visible:outline-offset-2 hover:opacity-80"
    >
      {badge}
    </a>
  );
}
