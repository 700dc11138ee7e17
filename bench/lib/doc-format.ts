// Markdown formatting shared by docs.ts and the scenarios' docs sections
// (bench/scenarios/*-docs.ts): numbers, units, tables, and a figure over the
// runs of a repeated step.
import type { Step } from "./results.ts";
import type { Spread } from "./step-figures.ts";

/** `bytes` in MiB ("1,024 MiB"), "–" when unknown. */
export const mib = (bytes: number | undefined) =>
  bytes === undefined ? "–" : `${Math.round(bytes / 2 ** 20).toLocaleString("en-US")} MiB`;

/** `n` with thousands separators and at most `digits` decimals (default 0), "–" when unknown. */
export const num = (n: number | undefined | null, digits = 0) =>
  n === undefined || n === null || Number.isNaN(n)
    ? "–"
    : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** Milliseconds to one decimal ("12.5 ms"), "–" when unknown. */
export const ms = (n: number | undefined) => (n === undefined ? "–" : `${num(n, 1)} ms`);

/** Microseconds to one decimal ("3.2 µs"). */
export const us = (n: number) => `${num(n, 1)} µs`;

/**
 * A figure over the runs of a step: "median / worst" when there were several
 * runs, the one value otherwise, "–" when unknown.
 */
export function mw(figure: Spread | null, format: (n: number) => string): string {
  if (!figure) return "–";
  if (figure.runs === 1) return format(figure.median);
  return `${format(figure.median)} / ${format(figure.worst)}`;
}
/** {@link mw} in milliseconds. */
export const mwMs = (figure: Spread | null) => mw(figure, (n) => ms(n));
/** {@link mw} in MiB. */
export const mwMib = (figure: Spread | null) => mw(figure, (n) => mib(n));

/** "30 ms" for one run; "30 ms (median of 3 runs of 60 s; worst 41 ms)" for several. */
export function overRuns(
  figure: Spread | null,
  runs: readonly Step[],
  format: (n: number) => string,
) {
  if (!figure) return "–";
  if (figure.runs === 1) return format(figure.median);
  return `${format(figure.median)} (median of ${String(figure.runs)} runs of ${num(runs[0]?.durationS)} s; worst ${format(figure.worst)})`;
}

/** "run 2 of 3, the highest p99" for a repeated step, "" for a single run. */
export function whichRun(step: Step, runs: number): string {
  return runs > 1 ? ` (run ${String(step.repeat ?? "?")} of ${String(runs)}, the highest p99)` : "";
}

/** A Markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Figures of a shape the docs do not know, as a JSON block (its first 4,000 characters). */
export const asJson = (figures: unknown) =>
  `\`\`\`json\n${JSON.stringify(figures, null, 2).slice(0, 4000)}\n\`\`\``;
