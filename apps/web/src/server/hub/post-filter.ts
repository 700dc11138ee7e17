import type { PostLabel, PostSource } from "@tweetream/shared";

/** Which posts a subscriber or a page wants: these labels and these sources (unset: all). */
export interface PostFilter {
  labels?: ReadonlySet<PostLabel>;
  sources?: ReadonlySet<PostSource>;
}

/** What a caller asks for: lists, where none or an empty one means all. */
export interface PostFilterOptions {
  labels?: readonly PostLabel[] | undefined;
  sources?: readonly PostSource[] | undefined;
}

/** The filter of `options`, or undefined when it lets every post through. */
export function postFilter(options: PostFilterOptions): PostFilter | undefined {
  const labels = setOf(options.labels);
  const sources = setOf(options.sources);
  if (!labels && !sources) return undefined;
  return { ...(labels ? { labels } : {}), ...(sources ? { sources } : {}) };
}

/** True when `filter` (undefined: none) lets `post` through. */
export function passes(
  filter: PostFilter | undefined,
  post: { label: PostLabel; source: PostSource },
): boolean {
  if (!filter) return true;
  return (
    (!filter.labels || filter.labels.has(post.label)) &&
    (!filter.sources || filter.sources.has(post.source))
  );
}

function setOf<T>(values: readonly T[] | undefined): ReadonlySet<T> | undefined {
  return values && values.length > 0 ? new Set(values) : undefined;
}
