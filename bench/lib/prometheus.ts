// Reads a service's /metrics (Prometheus text format, as prom-client writes it).

/** One sample: metric name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text exposition format; comments and malformed lines are skipped. */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = LINE.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(LABEL)) {
      if (label[1] !== undefined) labels[label[1]] = label[2] ?? "";
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** GETs http://127.0.0.1:<port>/metrics; undefined when the service does not answer. */
export async function scrape(port: number): Promise<Sample[] | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) return undefined;
    return parsePrometheus(await response.text());
  } catch {
    return undefined;
  }
}

/** Sum of the samples named `name` whose labels include `labels`. */
export function sumOf(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

/** Per-value-of-`label` sums of the samples named `name`. */
export function byLabel(
  samples: readonly Sample[],
  name: string,
  label: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    const key = s.labels[label];
    if (s.name === name && key !== undefined) out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/** A histogram's cumulative buckets: upper bound (`le`; Infinity for +Inf) → observations. */
export type Buckets = Map<number, number>;

/** The buckets of histogram `name` per value of `label`, summed over its other labels. */
export function bucketsBy(
  samples: readonly Sample[],
  name: string,
  label: string,
): Record<string, Buckets> {
  const out: Record<string, Buckets> = {};
  for (const s of samples) {
    const key = s.labels[label];
    const le = s.labels.le;
    if (s.name !== `${name}_bucket` || key === undefined || le === undefined) continue;
    const bound = le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le);
    const buckets = (out[key] ??= new Map());
    buckets.set(bound, (buckets.get(bound) ?? 0) + s.value);
  }
  return out;
}

/** What was observed between two scrapes: `after` − `before`, bucket by bucket. */
export function bucketsSince(after: Buckets, before: Buckets | undefined): Buckets {
  const out: Buckets = new Map();
  for (const [bound, count] of after)
    out.set(bound, Math.max(0, count - (before?.get(bound) ?? 0)));
  return out;
}

/**
 * The q-quantile (0–1) of cumulative buckets, interpolated linearly inside
 * its bucket, as Prometheus's `histogram_quantile` does (a quantile in the
 * +Inf bucket is the highest finite bound); null without observations.
 * Written here because only this function of PromQL is needed, on two scrapes.
 */
export function bucketQuantile(buckets: Buckets, q: number): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(bounds.at(-1) ?? 0) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound) ?? 0;
    if (count >= rank && count > below) {
      if (bound === Number.POSITIVE_INFINITY) return lower;
      return lower + ((bound - lower) * (rank - below)) / (count - below);
    }
    lower = bound;
    below = count;
  }
  return lower;
}
