"use client";
// A time range of one topic's posts, newest first, read from its Kafka log by
// `tweets(from:, to:)` a page at a time; "Load older" fetches the next page.
// A range older than Kafka keeps (HISTORY_EXPIRED) offers to start at the
// oldest moment still kept.
import { useApolloClient } from "@apollo/client/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { highlightTerms } from "@tweetream/text/browser";
import { errorText, historyExpiredSince } from "./graphql-errors.ts";
import { HISTORY_TWEETS, type Label, type Post, type PostSource } from "./graphql-operations.ts";
import { PostCard } from "./post-card.tsx";

/** Posts per page. */
const PAGE = 50;

const buttonClass =
  "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300";

export function HistoryFeed({
  topic,
  rule,
  labels,
  sources,
  from,
  to,
  heading,
  onStartAt,
}: {
  topic: string;
  rule: string;
  labels: Label[] | null;
  sources: PostSource[] | null;
  from: string;
  to: string | null;
  heading: string;
  /** Shows the range from `moment` on instead (offered when the range has expired). */
  onStartAt: (moment: string) => void;
}) {
  const client = useApolloClient();
  const [items, setItems] = useState<Post[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const terms = useMemo(() => highlightTerms(rule), [rule]);
  const alive = useRef(true);

  const load = async (after: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const { data } = await client.query({
        query: HISTORY_TWEETS,
        variables: { topic, labels, sources, first: PAGE, after, from, to },
        fetchPolicy: "no-cache",
      });
      if (!alive.current || !data) return;
      const page = data.tweets;
      setItems((current) => {
        const ids = new Set(current.map((post) => post.id));
        return [...current, ...page.edges.map((edge) => edge.node).filter((p) => !ids.has(p.id))];
      });
      setNext(page.pageInfo.endCursor ?? null);
      setMore(page.pageInfo.hasNextPage);
    } catch (failure) {
      if (alive.current) setError(failure);
    } finally {
      if (alive.current) setLoading(false);
    }
  };

  // Once per mount: the page is remounted (by key) for another topic, filter or range.
  useEffect(() => {
    alive.current = true;
    void load(null);
    return () => {
      alive.current = false;
    };
  }, []);

  const expiredSince = error === null ? undefined : historyExpiredSince(error);
  return (
    <section aria-labelledby="feed-heading" className="min-w-0" data-testid="history-feed">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 id="feed-heading" className="text-base font-semibold">
          {heading}
        </h2>
        <span className="text-xs text-slate-500 dark:text-slate-400" data-testid="feed-count">
          {items.length} shown{more ? ", more older" : ""}
        </span>
      </div>
      {error !== null && (
        <div
          role="alert"
          data-testid="history-error"
          className="mb-3 flex flex-wrap items-center gap-2 rounded-md bg-rose-100 px-3 py-2 text-sm text-rose-900 dark:bg-rose-950 dark:text-rose-100"
        >
          <span>{errorText(error)}</span>
          {expiredSince !== undefined ? (
            <button
              type="button"
              className={buttonClass}
              onClick={() => {
                onStartAt(expiredSince);
              }}
            >
              Start at the oldest post kept
            </button>
          ) : (
            <button type="button" className={buttonClass} onClick={() => void load(next)}>
              Try again
            </button>
          )}
        </div>
      )}
      {items.length === 0 && error === null && (
        <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="history-empty">
          {loading ? "Loading posts…" : "No posts in this range."}
        </p>
      )}
      <ol className="flex flex-col gap-2" aria-label="Posts, newest first" data-testid="feed">
        {items.map((post) => (
          <PostCard key={post.id} post={post} terms={terms} />
        ))}
      </ol>
      {more && error === null && (
        <button
          type="button"
          className={`${buttonClass} mt-3`}
          disabled={loading}
          onClick={() => void load(next)}
        >
          {loading ? "Loading…" : "Load older"}
        </button>
      )}
    </section>
  );
}
