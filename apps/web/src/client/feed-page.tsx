"use client";
// `/`: pick a topic, then watch its classified posts and counts live, or look
// at a time range of them (read from Kafka), replay it into the live posts,
// or export it. The view (topic, filters, range) is React state, so the feed
// follows the controls at once; it is mirrored into the URL, so a link opens
// the same view, and read back from it on load and on back/forward.
import { useEffect, useState } from "react";
import { ExportButton } from "./export-button.tsx";
import type { PostSource } from "./graphql-operations.ts";
import { HistoryFeed } from "./history-feed.tsx";
import { LABEL_TEXT } from "./label-badge.tsx";
import { LiveFeed } from "./live-feed.tsx";
import { SOURCE_TEXT } from "./source-badge.tsx";
import { StatsPanel } from "./stats-panel.tsx";
import { TimeControl } from "./time-control.tsx";
import { useLiveTopics } from "./use-live-topics.ts";
import {
  parseView,
  rangeBounds,
  viewSearch,
  type LabelFilter,
  type SourceFilter,
  type TimeRange,
  type View,
} from "./view-state.ts";

const FILTERS: { value: LabelFilter; text: string }[] = [
  { value: "ALL", text: "All labels" },
  { value: "TRAFFIC", text: LABEL_TEXT.TRAFFIC },
  { value: "NON_TRAFFIC", text: LABEL_TEXT.NON_TRAFFIC },
  { value: "NOT_CLASSIFIED", text: LABEL_TEXT.NOT_CLASSIFIED },
];

function isLabelFilter(value: string): value is LabelFilter {
  return FILTERS.some((filter) => filter.value === value);
}

const SOURCE_FILTERS: { value: SourceFilter; text: string }[] = [
  { value: "ALL", text: "All sources" },
  ...(Object.entries(SOURCE_TEXT) as [PostSource, string][]).map(([value, text]) => ({
    value,
    text,
  })),
];

function isSourceFilter(value: string): value is SourceFilter {
  return SOURCE_FILTERS.some((filter) => filter.value === value);
}

const selectClass =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900";

const buttonClass =
  "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300";
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

interface Shown {
  view: View;
  /** What the URL held that could not be shown. */
  problems: string[];
  /** When the view was chosen (epoch ms): "the last hour" is the hour before it. */
  at: number;
}

function fromLocation(): Shown {
  // The page renders only in the browser (TransportProvider waits for it).
  return { ...parseView(window.location.search), at: Date.now() };
}

export function FeedPage() {
  const topics = useLiveTopics();
  const [shown, setShown] = useState<Shown>(fromLocation);
  /** Set while the range is being replayed into the live posts. */
  const [replaying, setReplaying] = useState(false);
  const { view, problems, at } = shown;
  const { topic: chosen, label: filter, source } = view;
  const list = topics.topics;
  const topic = list.find((t) => t.slug === chosen);
  const labels = filter === "ALL" ? null : [filter];
  const sources = source === "ALL" ? null : [source];
  const bounds = rangeBounds(view.range, at);

  // Back and forward: show the view the URL now holds.
  useEffect(() => {
    const onPopState = () => {
      setShown(fromLocation());
      setReplaying(false);
    };
    window.addEventListener("popstate", onPopState);
    return () => {
      window.removeEventListener("popstate", onPopState);
    };
  }, []);

  /** Shows `next` now and records it as a new history entry. */
  const show = (next: Partial<View>) => {
    const view2 = { ...view, ...next };
    setShown({ view: view2, problems: [], at: Date.now() });
    setReplaying(false);
    const search = viewSearch(view2);
    if (search !== window.location.search) {
      window.history.pushState(null, "", `${window.location.pathname}${search}`);
    }
  };
  const showRange = (range: TimeRange) => {
    show({ range });
  };
  const feedKey = `${chosen}|${filter}|${source}|${String(at)}`;

  return (
    <div className="flex flex-col gap-5">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,16rem)_minmax(0,12rem)_minmax(0,12rem)] sm:items-end">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Topic
          <select
            className={selectClass}
            value={chosen}
            onChange={(event) => {
              show({ topic: event.target.value });
            }}
            data-testid="topic-picker"
          >
            <option value="">
              {topics.loading && list.length === 0 ? "Loading topics…" : "Choose a topic"}
            </option>
            {list.map((t) => (
              <option key={t.slug} value={t.slug} disabled={t.status !== "ACTIVE"}>
                {t.name} ({t.slug}){t.status === "ACTIVE" ? "" : ` — ${t.status.toLowerCase()}`}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Label
          <select
            className={selectClass}
            value={filter}
            onChange={(event) => {
              if (isLabelFilter(event.target.value)) show({ label: event.target.value });
            }}
            data-testid="label-filter"
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.text}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Source
          <select
            className={selectClass}
            value={source}
            onChange={(event) => {
              if (isSourceFilter(event.target.value)) show({ source: event.target.value });
            }}
            data-testid="source-filter"
          >
            {SOURCE_FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.text}
              </option>
            ))}
          </select>
        </label>
      </div>
      <TimeControl range={view.range} onChange={showRange} />
      {problems.length > 0 && (
        <p
          role="alert"
          data-testid="link-problems"
          className="rounded-md bg-amber-100 px-3 py-2 text-sm text-amber-900 dark:bg-amber-900/60 dark:text-amber-100"
        >
          This link could not be shown in full: {problems.join("; ")}. Showing the rest.
        </p>
      )}
      {topics.error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          Could not load topics: {topics.error.message}
        </p>
      )}
      {chosen !== "" && !topic && !topics.loading && (
        <p
          role="alert"
          data-testid="topic-gone"
          className="rounded-md bg-slate-200 px-3 py-2 text-sm dark:bg-slate-800"
        >
          There is no topic “{chosen}”: it was deleted, or the link names a topic that never
          existed.
        </p>
      )}
      {topic ? (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Rule: <code className="rounded bg-slate-200 px-1 dark:bg-slate-800">{topic.rule}</code>
            {topic.description && <span> — {topic.description}</span>}
          </p>
          {bounds !== null && (
            <div className="flex flex-wrap items-start gap-4" data-testid="range-actions">
              {replaying ? (
                <button
                  type="button"
                  className={buttonClass}
                  onClick={() => {
                    setReplaying(false);
                  }}
                >
                  Stop replay
                </button>
              ) : (
                <button
                  type="button"
                  className={buttonClass}
                  onClick={() => {
                    setReplaying(true);
                  }}
                >
                  Replay from {moment.format(new Date(bounds.from))}, then live
                </button>
              )}
              <ExportButton
                topic={topic.slug}
                labels={labels}
                sources={sources}
                from={bounds.from}
                to={bounds.to}
              />
            </div>
          )}
          <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
            {bounds === null ? (
              <LiveFeed
                key={`${topic.slug}|${filter}|${source}`}
                topic={topic.slug}
                rule={topic.rule}
                labels={labels}
                sources={sources}
              />
            ) : replaying ? (
              <LiveFeed
                key={`replay|${feedKey}`}
                topic={topic.slug}
                rule={topic.rule}
                labels={labels}
                sources={sources}
                from={bounds.from}
              />
            ) : (
              <HistoryFeed
                key={`range|${feedKey}`}
                topic={topic.slug}
                rule={topic.rule}
                labels={labels}
                sources={sources}
                from={bounds.from}
                to={bounds.to}
                heading={`Posts from ${moment.format(new Date(bounds.from))} to ${
                  bounds.to === null ? "now" : moment.format(new Date(bounds.to))
                }`}
                onStartAt={(from) => {
                  showRange({ kind: "custom", from, to: bounds.to });
                }}
              />
            )}
            <div className="order-first lg:order-none">
              <StatsPanel
                key={bounds === null ? topic.slug : `${topic.slug}|${String(at)}`}
                topic={topic.slug}
                range={bounds}
              />
            </div>
          </div>
        </>
      ) : (
        chosen === "" && (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            {list.length === 0 && !topics.loading
              ? "No topics yet: an admin can create one on the Admin page."
              : "Choose a topic to watch its posts live."}
          </p>
        )
      )}
    </div>
  );
}
