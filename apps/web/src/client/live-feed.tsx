"use client";
// The live list of one topic's classified posts: recent history, then every
// new post, newest on top. Pausing freezes the list and counts arrivals; after
// a reconnect the subscription resumes after the last cursor seen, so nothing
// is skipped (and replayed posts already shown are dropped by id). A feed that
// fell behind the server's history (SUBSCRIBER_TOO_SLOW) resumes from the
// cursor the server gives, and says that posts may be missing. A post deleted
// at its source (tweetDeleted) leaves the list, and is not shown if it arrives
// later. An edited post comes again with its `editedAt`, and the deletion of
// its earlier versions (tweetDeleted with that `editedAt`) takes them out.
// With `from`, it replays the topic from that moment out of Kafka first
// (tweetAdded(from:)) and goes on live; a post the classifier wrote after
// the replay started shows it has joined the live posts.
import { skipToken, useQuery, useSubscription } from "@apollo/client/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { highlightTerms } from "@tweetream/text/browser";
import { errorText, tooSlowCursor } from "./graphql-errors.ts";
import {
  RECENT_TWEETS,
  TWEET_ADDED,
  TWEET_DELETED,
  TWEET_REPLAY,
  type Label,
  type PostSource,
  type Post,
} from "./graphql-operations.ts";
import { useTransport } from "./transport-context.tsx";
import { PostCard } from "./post-card.tsx";
import { useFrameBatch } from "./use-frame-batch.ts";

const time = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** How many posts the list keeps (newest). */
export const FEED_LIMIT = 200;
const HISTORY = 50;
/** How many ids to remember for dropping replays (more than the server's history per topic). */
const SEEN_LIMIT = 5000;

/** Remembers the newest ids it was shown; answers whether an id is new. */
class SeenIds {
  readonly #ids = new Set<string>();

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** True the first time `id` is offered. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    // A Set iterates in insertion order, so the first entry is the oldest.
    if (this.#ids.size > SEEN_LIMIT) {
      const oldest = this.#ids.values().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
    return true;
  }
}

/** One version of a post: its id, and its `editedAt` when it is an edit. */
function versionKey(post: Pick<Post, "id" | "editedAt">): string {
  return post.editedAt === null ? post.id : `${post.id} ${post.editedAt}`;
}

/** True when `post` is a version of `id` that a deletion (or the edit at `editedAt`) takes away. */
function goneBy(post: Post, id: string, editedAt: string | null): boolean {
  return post.id === id && (editedAt === null || (post.editedAt ?? "") < editedAt);
}

/** Prepends `incoming` (oldest first) to `list` (newest first), dropping known versions. */
function merge(list: Post[], incoming: Post[], limit: number): Post[] {
  const seen = new Set(list.map(versionKey));
  const fresh: Post[] = [];
  for (const post of incoming) {
    const key = versionKey(post);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(post);
  }
  if (fresh.length === 0) return list;
  return [...fresh.reverse(), ...list].slice(0, limit);
}

export function LiveFeed({
  topic,
  rule,
  labels,
  sources,
  from = null,
}: {
  topic: string;
  rule: string;
  labels: Label[] | null;
  sources: PostSource[] | null;
  /** Replay from this moment, then go on live. */
  from?: string | null;
}) {
  const transport = useTransport();
  const [items, setItems] = useState<Post[]>([]);
  const [paused, setPaused] = useState(false);
  const [heldCount, setHeldCount] = useState(0);
  const [ended, setEnded] = useState(false);
  const [after, setAfter] = useState<string | null | undefined>(undefined);
  /** How often the feed fell behind the server's history and resumed. */
  const [fellBehind, setFellBehind] = useState(0);
  // Apollo completes a subscription after its error: that is no deleted topic.
  const failed = useRef(false);
  const lastCursor = useRef<string | null>(null);
  // Read by the frame batcher, so set together with `paused`, not after render.
  const pausedRef = useRef(false);
  /** Posts that arrived while paused, newest first. */
  const held = useRef<Post[]>([]);
  // A resubscription replays from its `after`; graphql-ws may resend the old
  // one before ours replaces it, so posts already delivered are dropped here.
  const seen = useRef(new SeenIds());
  /** Posts deleted at their source: dropped from the list, and never shown again. */
  const deleted = useRef(new SeenIds());
  const terms = useMemo(() => highlightTerms(rule), [rule]);
  /** The moment to replay from, until the feed resumes by cursor instead. */
  const [replayFrom, setReplayFrom] = useState(from);
  const replayStarted = useRef(Date.now());
  const replayed = useRef(0);
  const joined = useRef(false);
  const [replay, setReplay] = useState({ replayed: 0, joined: false });

  const history = useQuery(
    RECENT_TWEETS,
    from === null
      ? { variables: { topic, labels, sources, first: HISTORY }, fetchPolicy: "no-cache" }
      : skipToken,
  );
  useEffect(() => {
    if (!history.data || after !== undefined) return;
    const edges = history.data.tweets.edges;
    lastCursor.current = edges[0]?.cursor ?? null;
    for (const edge of edges) seen.current.add(versionKey(edge.node));
    setItems(merge([], edges.map((edge) => edge.node).reverse(), FEED_LIMIT));
    setAfter(lastCursor.current);
  }, [history.data, after]);

  // After the socket comes back, resubscribe from the last post we have.
  useEffect(() => {
    if (!transport) return;
    let previous = transport.connection.state;
    return transport.connection.subscribe((state) => {
      if (state === "connected" && previous === "reconnecting" && lastCursor.current !== null) {
        setReplayFrom(null);
        setAfter(lastCursor.current);
      }
      previous = state;
    });
  }, [transport]);

  const push = useFrameBatch<Post>((arrivals, arrived) => {
    const batch = arrivals.filter((post) => !deleted.current.has(post.id));
    if (pausedRef.current) {
      held.current = merge(held.current, batch, FEED_LIMIT);
      setHeldCount((count) => count + arrived);
    } else {
      setItems((current) => merge(current, batch, FEED_LIMIT));
    }
    if (from !== null) setReplay({ replayed: replayed.current, joined: joined.current });
  }, FEED_LIMIT);

  const received = (post: Post & { classifiedAt: number }) => {
    if (!seen.current.add(versionKey(post))) return;
    lastCursor.current = post.cursor;
    if (from !== null && !joined.current) {
      if (post.classifiedAt >= replayStarted.current) joined.current = true;
      else replayed.current++;
    }
    push(post);
  };
  const onComplete = () => {
    if (failed.current) failed.current = false;
    else setEnded(true);
  };
  const onData = ({
    data,
  }: {
    data: { data?: { tweetAdded: Post & { classifiedAt: number } } | null };
  }) => {
    const post = data.data?.tweetAdded;
    if (post) received(post);
  };
  /** The cursor to resume from when `failure` says the feed fell behind (counted); undefined otherwise. */
  const fellBehindAt = (failure: Parameters<typeof tooSlowCursor>[0]): string | undefined => {
    failed.current = true;
    const cursor = tooSlowCursor(failure);
    if (cursor === undefined) return undefined;
    setFellBehind((count) => count + 1);
    lastCursor.current = cursor;
    return cursor;
  };

  const replaying = useSubscription(
    TWEET_REPLAY,
    replayFrom === null
      ? skipToken
      : {
          variables: { topic, labels, sources, from: replayFrom },
          fetchPolicy: "no-cache",
          ignoreResults: true,
          onData,
          onComplete,
          onError: (failure) => {
            const cursor = fellBehindAt(failure);
            if (cursor === undefined) return;
            setReplayFrom(null);
            setAfter(cursor);
          },
        },
  );

  const subscription = useSubscription(
    TWEET_ADDED,
    after === undefined || replayFrom !== null
      ? skipToken
      : {
          variables: { topic, labels, sources, after },
          fetchPolicy: "no-cache",
          ignoreResults: true,
          onData,
          onComplete,
          onError: (failure) => {
            const cursor = fellBehindAt(failure);
            if (cursor === undefined) return;
            // The same variables would not subscribe again by themselves.
            if (cursor === after) subscription.restart();
            else setAfter(cursor);
          },
        },
  );

  useSubscription(TWEET_DELETED, {
    variables: { topic },
    fetchPolicy: "no-cache",
    ignoreResults: true,
    onData: ({ data }) => {
      const deletion = data.data?.tweetDeleted;
      if (deletion === undefined) return;
      const { id, editedAt } = deletion;
      if (editedAt === null) {
        deleted.current.add(id);
        // A tweetAdded of it still on its way is dropped as a replay.
        seen.current.add(id);
      }
      const holding = held.current.length;
      held.current = held.current.filter((post) => !goneBy(post, id, editedAt));
      const dropped = holding - held.current.length;
      if (dropped > 0) setHeldCount((count) => count - dropped);
      setItems((current) => current.filter((post) => !goneBy(post, id, editedAt)));
    },
  });

  const resume = () => {
    const arrived = [...held.current].reverse();
    held.current = [];
    setItems((current) => merge(current, arrived, FEED_LIMIT));
    setHeldCount(0);
    pausedRef.current = false;
    setPaused(false);
  };

  const subscriptionError = replayFrom === null ? subscription.error : replaying.error;
  const fellBehindError = subscriptionError && tooSlowCursor(subscriptionError) !== undefined;
  const error = history.error ?? (fellBehindError ? undefined : subscriptionError);
  const since = from === null ? null : time.format(new Date(from));
  return (
    <section aria-labelledby="feed-heading" className="min-w-0">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 id="feed-heading" className="text-base font-semibold">
          {since === null ? "Live posts" : `Replay from ${since}`}
        </h2>
        <span className="text-xs text-slate-500 dark:text-slate-400" data-testid="feed-count">
          {items.length} shown
        </span>
        <div className="ml-auto flex items-center gap-2">
          {paused && (
            <span
              data-testid="paused-count"
              aria-live="polite"
              className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900/60 dark:text-amber-100"
            >
              {heldCount} new while paused
            </span>
          )}
          <button
            type="button"
            onClick={
              paused
                ? resume
                : () => {
                    pausedRef.current = true;
                    setPaused(true);
                  }
            }
            aria-pressed={paused}
            className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
          >
            {paused ? "Resume" : "Pause"}
          </button>
        </div>
      </div>
      {since !== null && (
        <p
          role="status"
          data-testid="replay-status"
          data-joined={replay.joined}
          className="mb-3 rounded-md bg-sky-100 px-3 py-2 text-sm text-sky-900 dark:bg-sky-950 dark:text-sky-100"
        >
          {replay.joined
            ? `Replayed ${replay.replayed.toLocaleString()} posts from ${since}; now live.`
            : `Replaying from ${since}: ${replay.replayed.toLocaleString()} posts so far, oldest first, then live posts follow.`}
        </p>
      )}
      {ended && (
        <p
          role="alert"
          data-testid="feed-ended"
          className="mb-3 rounded-md bg-slate-200 px-3 py-2 text-sm dark:bg-slate-800"
        >
          This topic&apos;s feed has ended: the topic was deleted.
        </p>
      )}
      {fellBehind > 0 && (
        <p
          role="status"
          data-testid="feed-fell-behind"
          className="mb-3 rounded-md bg-amber-100 px-3 py-2 text-sm text-amber-900 dark:bg-amber-900/60 dark:text-amber-100"
        >
          This page fell behind the live stream{fellBehind > 1 ? ` (${fellBehind} times)` : ""} and
          caught up from the server&apos;s recent posts; posts older than those may be missing.
        </p>
      )}
      {error && (
        <p
          role="alert"
          className="mb-3 rounded-md bg-rose-100 px-3 py-2 text-sm text-rose-900 dark:bg-rose-950 dark:text-rose-100"
        >
          {errorText(error)}
        </p>
      )}
      {items.length === 0 && !error && (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {history.loading ? "Loading recent posts…" : "Waiting for posts…"}
        </p>
      )}
      <ol className="flex flex-col gap-2" aria-label="Posts, newest first" data-testid="feed">
        {items.map((post) => (
          <PostCard key={versionKey(post)} post={post} terms={terms} />
        ))}
      </ol>
    </section>
  );
}
