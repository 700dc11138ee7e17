"use client";
// Posts per label over time with the totals as counters: live, per minute
// over the last half hour, refreshed every second by the topicStats
// subscription; or over the feed's time range, in the buckets the server
// chose for it (minutes, hours or days), from the topicStats query.
import { useQuery, useSubscription } from "@apollo/client/react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { errorText } from "./graphql-errors.ts";
import { TOPIC_STATS, TOPIC_STATS_RANGE } from "./graphql-operations.ts";

const WINDOW_MINUTES = 30;
const minute = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const hour = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

type BucketSize = "MINUTE" | "HOUR" | "DAY";
const BUCKET_TEXT: Record<BucketSize, string> = {
  MINUTE: "minute",
  HOUR: "hour",
  DAY: "day (UTC)",
};
const BUCKET_FORMAT: Record<BucketSize, Intl.DateTimeFormat> = {
  MINUTE: minute,
  HOUR: hour,
  DAY: day,
};

interface Counts {
  traffic: number;
  nonTraffic: number;
  notClassified: number;
  total: number;
}

interface Shown {
  heading: string;
  caption: string;
  bucket: BucketSize;
  rows: ({ start: string } & Omit<Counts, "total">)[];
  totals: Counts | undefined;
  error: unknown;
}

function Counter({ label, value, tone }: { label: string; value: number; tone: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`text-2xl font-semibold tabular-nums ${tone}`}>{value.toLocaleString()}</dd>
    </div>
  );
}

/** The chart for `range` (from–to, to null meaning now), or live when `range` is null. */
export function StatsPanel({
  topic,
  range,
}: {
  topic: string;
  range: { from: string; to: string | null } | null;
}) {
  return range === null ? (
    <LiveStats topic={topic} />
  ) : (
    <RangeStats topic={topic} from={range.from} to={range.to} />
  );
}

function LiveStats({ topic }: { topic: string }) {
  const { data, error } = useSubscription(TOPIC_STATS, {
    variables: { topic, window: WINDOW_MINUTES },
    fetchPolicy: "no-cache",
  });
  const stats = data?.topicStats;
  return (
    <StatsView
      heading={`Last ${String(WINDOW_MINUTES)} minutes`}
      caption="Posts per minute by label"
      bucket="MINUTE"
      rows={stats?.buckets.map((bucket) => ({ ...bucket, start: bucket.minute })) ?? []}
      totals={stats?.totals}
      error={error}
    />
  );
}

function RangeStats({ topic, from, to }: { topic: string; from: string; to: string | null }) {
  const { data, error } = useQuery(TOPIC_STATS_RANGE, {
    variables: { topic, from, to },
    fetchPolicy: "no-cache",
  });
  const stats = data?.topicStats;
  const bucket = stats?.bucket ?? "MINUTE";
  const end = to === null ? "now" : moment.format(new Date(to));
  return (
    <StatsView
      heading={`${moment.format(new Date(from))} – ${end}`}
      caption={`Posts per ${BUCKET_TEXT[bucket]} by label`}
      bucket={bucket}
      rows={stats?.buckets ?? []}
      totals={stats?.totals}
      error={error}
    />
  );
}

function StatsView({ heading, caption, bucket, rows, totals, error }: Shown) {
  const data = rows.map((row) => ({
    start: BUCKET_FORMAT[bucket].format(new Date(row.start)),
    Traffic: row.traffic,
    "Non-traffic": row.nonTraffic,
    "Not classified": row.notClassified,
  }));
  return (
    <section
      aria-labelledby="stats-heading"
      className="flex flex-col gap-3"
      data-testid="stats"
      data-bucket={bucket}
      data-buckets={rows.length}
    >
      <h2 id="stats-heading" className="text-base font-semibold">
        {heading}
      </h2>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4" data-testid="counters">
        <Counter
          label="Traffic"
          value={totals?.traffic ?? 0}
          tone="text-orange-600 dark:text-orange-400"
        />
        <Counter
          label="Non-traffic"
          value={totals?.nonTraffic ?? 0}
          tone="text-sky-600 dark:text-sky-400"
        />
        <Counter
          label="Not classified"
          value={totals?.notClassified ?? 0}
          tone="text-slate-600 dark:text-slate-300"
        />
        <Counter label="Total" value={totals?.total ?? 0} tone="" />
      </dl>
      {error !== undefined && error !== null && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          {errorText(error)}
        </p>
      )}
      <figure
        className="h-56 rounded-lg border border-slate-200 bg-white p-2 dark:border-slate-800 dark:bg-slate-900"
        data-testid="chart"
      >
        <figcaption className="sr-only">{caption}</figcaption>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -20 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
            <XAxis dataKey="start" tick={{ fontSize: 11, fill: "currentColor" }} minTickGap={24} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "currentColor" }} />
            <Tooltip
              contentStyle={{ fontSize: 12, color: "#0f172a" }}
              cursor={{ fillOpacity: 0.1 }}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="Traffic" stackId="a" fill="#ea580c" isAnimationActive={false} />
            <Bar dataKey="Non-traffic" stackId="a" fill="#0284c7" isAnimationActive={false} />
            <Bar dataKey="Not classified" stackId="a" fill="#94a3b8" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <p
        aria-hidden
        className="text-xs text-slate-500 dark:text-slate-400"
        data-testid="chart-caption"
      >
        {caption}
      </p>
    </section>
  );
}
