// Latency histograms (HdrHistogram): recorded in load processes, shipped to
// the harness as compressed base64 and merged there.
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from "hdr-histogram-js";

/** A latency histogram in milliseconds (3 significant digits, auto-resizing). */
export function newHistogram(): Histogram {
  return build({ numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** The histogram as compressed base64, to send to another process. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Adds every encoded histogram into one. */
export function mergeHistograms(encoded: readonly string[]): Histogram {
  const total = newHistogram();
  for (const e of encoded) {
    const h = decodeFromCompressedBase64(e);
    if (h.totalCount > 0) total.add(h);
  }
  return total;
}

/** Percentiles of a latency histogram, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** count, p50, p95, p99, max and mean of `histogram`. */
export function summarize(histogram: Histogram): LatencySummary {
  const at = (p: number) => (histogram.totalCount > 0 ? histogram.getValueAtPercentile(p) : 0);
  return {
    count: histogram.totalCount,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: histogram.totalCount > 0 ? histogram.maxValue : 0,
    mean: histogram.totalCount > 0 ? Math.round(histogram.mean * 100) / 100 : 0,
  };
}
