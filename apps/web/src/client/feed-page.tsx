"use client";
// `/`: pick a topic, then watch its classified posts and per-minute counts live.
import { useState } from "react";
import type { Label, PostSource } from "./graphql-operations.ts";
import { LABEL_TEXT } from "./label-badge.tsx";
import { LiveFeed } from "./live-feed.tsx";
import { SOURCE_TEXT } from "./source-badge.tsx";
import { StatsPanel } from "./stats-panel.tsx";
import { useLiveTopics } from "./use-live-topics.ts";

type LabelFilter = "ALL" | Label;

const FILTERS: { value: LabelFilter; text: string }[] = [
  { value: "ALL", text: "All labels" },
  { value: "TRAFFIC", text: LABEL_TEXT.TRAFFIC },
  { value: "NON_TRAFFIC", text: LABEL_TEXT.NON_TRAFFIC },
  { value: "NOT_CLASSIFIED", text: LABEL_TEXT.NOT_CLASSIFIED },
];

function isLabelFilter(value: string): value is LabelFilter {
  return FILTERS.some((filter) => filter.value === value);
}

type SourceFilter = "ALL" | PostSource;

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

export function FeedPage() {
  const topics = useLiveTopics();
  const [chosen, setChosen] = useState("");
  const [filter, setFilter] = useState<LabelFilter>("ALL");
  const [source, setSource] = useState<SourceFilter>("ALL");
  const list = topics.topics;
  const topic = list.find((t) => t.slug === chosen);
  const labels = filter === "ALL" ? null : [filter];
  const sources = source === "ALL" ? null : [source];

  return (
    <div className="flex flex-col gap-5">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,16rem)_minmax(0,12rem)_minmax(0,12rem)] sm:items-end">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Topic
          <select
            className={selectClass}
            value={chosen}
            onChange={(event) => {
              setChosen(event.target.value);
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
              if (isLabelFilter(event.target.value)) setFilter(event.target.value);
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
              if (isSourceFilter(event.target.value)) setSource(event.target.value);
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
          The topic “{chosen}” no longer exists.
        </p>
      )}
      {topic ? (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Rule: <code className="rounded bg-slate-200 px-1 dark:bg-slate-800">{topic.rule}</code>
            {topic.description && <span> — {topic.description}</span>}
          </p>
          <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
            <LiveFeed
              key={`${topic.slug}|${filter}|${source}`}
              topic={topic.slug}
              rule={topic.rule}
              labels={labels}
              sources={sources}
            />
            <div className="order-first lg:order-none">
              <StatsPanel key={topic.slug} topic={topic.slug} />
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
