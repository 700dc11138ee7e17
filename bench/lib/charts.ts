// Charts for docs/BENCHMARKS.md: Vega-Lite specs rendered to SVG in Node
// (vega's headless View; no browser, no canvas).
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** One row of chart data. */
export type Row = Record<string, string | number | null>;

const CONFIG = {
  font: "Helvetica, Arial, sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
} as const;

/** Renders a Vega-Lite spec (without data) over `rows` to an SVG string. */
export async function renderSvg(
  spec: Omit<TopLevelSpec, "data">,
  rows: readonly Row[],
): Promise<string> {
  const full = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 480,
    height: 260,
    config: CONFIG,
    ...spec,
    data: { values: rows },
  } as TopLevelSpec;
  const view = new View(parse(compile(full).spec), { renderer: "none" });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

/** A line chart with points, one line per `series`. */
export function lineSpec(options: {
  title: string;
  x: string;
  xTitle: string;
  y: string;
  yTitle: string;
  series?: string;
  logX?: boolean;
  logY?: boolean;
}): Omit<TopLevelSpec, "data"> {
  return {
    title: options.title,
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: options.x,
        type: "quantitative",
        title: options.xTitle,
        ...(options.logX && { scale: { type: "log" } }),
      },
      y: {
        field: options.y,
        type: "quantitative",
        title: options.yTitle,
        ...(options.logY && { scale: { type: "log" } }),
      },
      ...(options.series && { color: { field: options.series, type: "nominal", title: null } }),
    },
  } as Omit<TopLevelSpec, "data">;
}

/** Grouped bars: one group per `x`, one bar per `series`. */
export function groupedBarSpec(options: {
  title: string;
  x: string;
  xTitle: string;
  y: string;
  yTitle: string;
  series: string;
  logY?: boolean;
}): Omit<TopLevelSpec, "data"> {
  return {
    title: options.title,
    mark: "bar",
    encoding: {
      x: { field: options.x, type: "nominal", title: options.xTitle, sort: null },
      xOffset: { field: options.series, sort: null },
      y: {
        field: options.y,
        type: "quantitative",
        title: options.yTitle,
        ...(options.logY && { scale: { type: "symlog" } }),
      },
      color: { field: options.series, type: "nominal", title: null, sort: null },
    },
  } as Omit<TopLevelSpec, "data">;
}
