import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, parseMoment, parseView, rangeBounds, viewSearch } from "./view-state.ts";
import { RecordCounter } from "./record-counter.ts";

describe("the view in the URL", () => {
  it("writes and reads back every kind of view", () => {
    const views = [
      DEFAULT_VIEW,
      { ...DEFAULT_VIEW, topic: "jalan", label: "TRAFFIC", source: "BLUESKY" },
      { ...DEFAULT_VIEW, topic: "jalan", range: { kind: "hour" } },
      { ...DEFAULT_VIEW, topic: "jalan", label: "NOT_CLASSIFIED", range: { kind: "day" } },
      {
        ...DEFAULT_VIEW,
        topic: "jalan",
        range: { kind: "custom", from: "2026-12-04T06:00:00.000Z", to: null },
      },
      {
        ...DEFAULT_VIEW,
        topic: "jalan",
        range: {
          kind: "custom",
          from: "2026-12-04T06:00:00.000Z",
          to: "2026-12-04T07:00:00.000Z",
        },
      },
    ] as const;
    for (const view of views) {
      expect(parseView(viewSearch(view))).toEqual({ view, problems: [] });
    }
    expect(viewSearch(views[1])).toBe("?topic=jalan&label=traffic&source=bluesky");
    expect(viewSearch(views[2])).toBe("?topic=jalan&range=1h");
    expect(viewSearch(DEFAULT_VIEW)).toBe("");
  });

  it("reads the issue's example link, moments in any ISO form", () => {
    const { view, problems } = parseView(
      "?topic=jalan&label=traffic&from=2026-12-04T13:00:00%2B07:00",
    );
    expect(problems).toEqual([]);
    expect(view).toEqual({
      topic: "jalan",
      label: "TRAFFIC",
      source: "ALL",
      range: { kind: "custom", from: "2026-12-04T06:00:00.000Z", to: null },
    });
  });

  it("leaves what it cannot read at its default and names it", () => {
    const { view, problems } = parseView(
      "?topic=jalan&label=macet&source=fax&from=2026-13-45T00:00:00Z&range=1w",
    );
    expect(view).toEqual({ ...DEFAULT_VIEW, topic: "jalan" });
    expect(problems).toEqual([
      "the label “macet” is not known (traffic, non_traffic, not_classified)",
      "the source “fax” is not known",
      "“2026-13-45T00:00:00Z” (from) is not a date",
    ]);
    expect(parseView("?from=2026-12-04T07:00:00Z&to=2026-12-04T06:00:00Z").problems).toEqual([
      "the range ends before it starts",
    ]);
    expect(parseView("?range=1w").problems).toEqual([
      "the range “1w” is not known (live, 1h, 1d, or from and to)",
    ]);
    expect(parseMoment("5")).toBeNull();
    expect(parseMoment("May 5")).toBeNull();
  });

  it("resolves the last hour and day against the moment they were chosen", () => {
    const now = Date.parse("2026-12-04T12:00:00.000Z");
    expect(rangeBounds({ kind: "live" }, now)).toBeNull();
    expect(rangeBounds({ kind: "hour" }, now)).toEqual({
      from: "2026-12-04T11:00:00.000Z",
      to: null,
    });
    expect(rangeBounds({ kind: "day" }, now)).toEqual({
      from: "2026-12-03T12:00:00.000Z",
      to: null,
    });
  });
});

describe("RecordCounter", () => {
  it("counts NDJSON lines and CSV records, line breaks inside quotes included", () => {
    const ndjson = new RecordCounter("ndjson");
    ndjson.push('{"id":"a"}\n{"id":');
    expect(ndjson.records).toBe(1);
    ndjson.push('"b"}\n');
    expect(ndjson.records).toBe(2);

    const csv = new RecordCounter("csv");
    csv.push('id,text\r\na,"two\r\nlines, and ""quotes"""\r\nb,');
    expect(csv.records).toBe(1);
    csv.push('"x"\r\n');
    expect(csv.records).toBe(2);
  });
});
