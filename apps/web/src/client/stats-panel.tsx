"use client";
// Posts per minute per label over the last half hour, refreshed every second
// by the topicStats subscription, with the window's totals as counters.
import { useSubscription } from "@apollo/client/react";
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
import { TOPIC_STATS } from "./graphql-operations.ts";

const WINDOW_MINUTES = 30;
const minute = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

function Counter({ label, value, tone }: { label: string; value: number; tone: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`text-2xl font-semibold tabular-nums ${tone}`}>{value.toLocaleString()}</dd>
    </div>
  );
}

export function StatsPanel({ topic }: { topic: string }) {
  const { data, error } = useSubscription(TOPIC_STATS, {
    variables: { topic, window: WINDOW_MINUTES },
    fetchPolicy: "no-cache",
  });
  const stats = data?.topicStats;
  const rows =
    stats?.buckets.map((bucket) => ({
      minute: minute.format(new Date(bucket.minute)),
      Traffic: bucket.traffic,
      "Non-traffic": bucket.nonTraffic,
      "Not classified": bucket.notClassified,
    })) ?? [];
  return (
    <section aria-labelledby="stats-heading" className="flex flex-col gap-3" data-testid="stats">
      <h2 id="stats-heading" className="text-base font-semibold">
        Last {WINDOW_MINUTES} minutes
      </h2>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4" data-testid="counters">
        <Counter
          label="Traffic"
          value={stats?.totals.traffic ?? 0}
          tone="text-orange-600 dark:text-orange-400"
        />
        <Counter
          label="Non-traffic"
          value={stats?.totals.nonTraffic ?? 0}
          tone="text-sky-600 dark:text-sky-400"
        />
        <Counter
          label="Not classified"
          value={stats?.totals.notClassified ?? 0}
          tone="text-slate-600 dark:text-slate-300"
        />
        <Counter label="Total" value={stats?.totals.total ?? 0} tone="" />
      </dl>
      {error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          {error.message}
        </p>
      )}
      <figure
        className="h-56 rounded-lg border border-slate-200 bg-white p-2 dark:border-slate-800 dark:bg-slate-900"
        data-testid="chart"
      >
        <figcaption className="sr-only">Posts per minute by label</figcaption>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -20 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
            <XAxis dataKey="minute" tick={{ fontSize: 11, fill: "currentColor" }} minTickGap={24} />
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
    </section>
  );
}
