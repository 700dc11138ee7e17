// What the feed page shows (topic, label and source filters, time range) and
// how it is written in the page's URL, so a link opens the same view:
// `/?topic=jalan&label=traffic&source=bluesky&range=1h`, or a custom range
// `&from=2026-12-04T06:00:00.000Z&to=2026-12-04T07:00:00.000Z`. Values are
// the Kafka contract's lowercase names, as in GET /export. Parsing never
// throws: what it cannot read is left at its default and named in `problems`.
import type { Label, PostSource } from "./graphql-operations.ts";

export type LabelFilter = "ALL" | Label;
export type SourceFilter = "ALL" | PostSource;

/** Live posts; the last hour or day (up to when it was chosen); or a fixed range. */
export type TimeRange =
  | { kind: "live" }
  | { kind: "hour" }
  | { kind: "day" }
  | { kind: "custom"; from: string; to: string | null };

export interface View {
  topic: string;
  label: LabelFilter;
  source: SourceFilter;
  range: TimeRange;
}

export const DEFAULT_VIEW: View = {
  topic: "",
  label: "ALL",
  source: "ALL",
  range: { kind: "live" },
};

const LABELS: readonly Label[] = ["TRAFFIC", "NON_TRAFFIC", "NOT_CLASSIFIED"];
const SOURCES: readonly PostSource[] = ["SYNTHETIC", "FILE", "X", "BLUESKY", "MASTODON"];
const RANGE_PARAM = { hour: "1h", day: "1d" } as const;

/** The moment `text` names as an ISO string in UTC, or null when it is not a date. */
export function parseMoment(text: string): string | null {
  // Only ISO 8601 forms: `Date.parse` also reads things like "1" or "May 5".
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    return null;
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

function pick<T extends string>(values: readonly T[], text: string): T | undefined {
  const upper = text.toUpperCase();
  return values.find((value) => value === upper);
}

/** The view a query string describes, and what in it was not understood. */
export function parseView(search: string): { view: View; problems: string[] } {
  const params = new URLSearchParams(search);
  const view: View = { ...DEFAULT_VIEW };
  const problems: string[] = [];
  view.topic = params.get("topic") ?? "";
  const label = params.get("label");
  if (label !== null && label !== "") {
    const known = pick(LABELS, label);
    if (known) view.label = known;
    else problems.push(`the label “${label}” is not known (traffic, non_traffic, not_classified)`);
  }
  const source = params.get("source");
  if (source !== null && source !== "") {
    const known = pick(SOURCES, source);
    if (known) view.source = known;
    else problems.push(`the source “${source}” is not known`);
  }
  const range = params.get("range");
  const fromText = params.get("from");
  const toText = params.get("to");
  if (fromText !== null) {
    const from = parseMoment(fromText);
    const to = toText === null || toText === "" ? null : parseMoment(toText);
    if (from === null) problems.push(`“${fromText}” (from) is not a date`);
    else if (toText !== null && toText !== "" && to === null) {
      problems.push(`“${toText}” (to) is not a date`);
    } else if (to !== null && to <= from) problems.push("the range ends before it starts");
    else view.range = { kind: "custom", from, to };
  } else if (range === RANGE_PARAM.hour) view.range = { kind: "hour" };
  else if (range === RANGE_PARAM.day) view.range = { kind: "day" };
  else if (range !== null && range !== "live") {
    problems.push(`the range “${range}” is not known (live, 1h, 1d, or from and to)`);
  }
  return { view, problems };
}

/** The query string (with its `?`, or "" for the default view) that describes `view`. */
export function viewSearch(view: View): string {
  const params = new URLSearchParams();
  if (view.topic !== "") params.set("topic", view.topic);
  if (view.label !== "ALL") params.set("label", view.label.toLowerCase());
  if (view.source !== "ALL") params.set("source", view.source.toLowerCase());
  const { range } = view;
  if (range.kind === "hour" || range.kind === "day") params.set("range", RANGE_PARAM[range.kind]);
  if (range.kind === "custom") {
    params.set("from", range.from);
    if (range.to !== null) params.set("to", range.to);
  }
  const search = params.toString();
  return search === "" ? "" : `?${search}`;
}

/** The moments a range covers, resolved against `now` (epoch ms); null for live. */
export function rangeBounds(
  range: TimeRange,
  now: number,
): { from: string; to: string | null } | null {
  switch (range.kind) {
    case "live":
      return null;
    case "hour":
      return { from: new Date(now - 3_600_000).toISOString(), to: null };
    case "day":
      return { from: new Date(now - 86_400_000).toISOString(), to: null };
    case "custom":
      return { from: range.from, to: range.to };
  }
}
