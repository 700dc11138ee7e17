"use client";
// Which posts the feed shows: live ones, the last hour or day, or a custom
// range. A custom range is typed into two date-time fields (the browser's
// local time) and applied with its button or Enter, so typing never changes
// the feed or adds history entries.
import { useId, useState } from "react";
import type { TimeRange } from "./view-state.ts";

const MODES: { kind: TimeRange["kind"]; text: string }[] = [
  { kind: "live", text: "Live" },
  { kind: "hour", text: "Last hour" },
  { kind: "day", text: "Last day" },
  { kind: "custom", text: "Custom" },
];

const inputClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900";

/** An ISO moment as the value of a `datetime-local` input (local time, to the second). */
export function toLocalInput(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${String(at.getFullYear())}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` +
    `T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  );
}

/** A `datetime-local` value (local time) as an ISO moment, or null when empty or invalid. */
function fromLocalInput(value: string): string | null {
  if (value === "") return null;
  const at = new Date(value).getTime();
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

export function TimeControl({
  range,
  onChange,
}: {
  range: TimeRange;
  onChange: (range: TimeRange) => void;
}) {
  const id = useId();
  const [customOpen, setCustomOpen] = useState(range.kind === "custom");
  const [fromText, setFromText] = useState(range.kind === "custom" ? toLocalInput(range.from) : "");
  const [toText, setToText] = useState(
    range.kind === "custom" && range.to !== null ? toLocalInput(range.to) : "",
  );
  const [problem, setProblem] = useState<string | null>(null);
  // Back and forward change the range from outside: the fields follow it.
  const [shown, setShown] = useState(range);
  if (shown !== range) {
    setShown(range);
    setCustomOpen(range.kind === "custom");
    if (range.kind === "custom") {
      setFromText(toLocalInput(range.from));
      setToText(range.to === null ? "" : toLocalInput(range.to));
    }
    setProblem(null);
  }
  const selected = customOpen ? "custom" : range.kind;

  const apply = () => {
    const from = fromLocalInput(fromText);
    const to = fromLocalInput(toText);
    if (from === null) setProblem("Enter when the range starts.");
    else if (toText !== "" && to === null) setProblem("The end is not a valid date.");
    else if (to !== null && to <= from) setProblem("The range must end after it starts.");
    else {
      setProblem(null);
      onChange({ kind: "custom", from, to });
    }
  };

  return (
    <div className="flex flex-col gap-2">
      <fieldset className="flex flex-wrap items-center gap-2" data-testid="time-control">
        <legend className="mb-1 text-sm font-medium">Time</legend>
        {MODES.map((mode) => (
          <label
            key={mode.kind}
            className="cursor-pointer rounded-md border border-slate-300 px-3 py-1.5 text-sm has-checked:border-slate-900 has-checked:bg-slate-900 has-checked:text-white has-focus-visible:ring-2 has-focus-visible:ring-sky-500 dark:border-slate-600 dark:has-checked:border-slate-100 dark:has-checked:bg-slate-100 dark:has-checked:text-slate-900"
          >
            <input
              type="radio"
              name={`${id}-range`}
              value={mode.kind}
              checked={selected === mode.kind}
              className="sr-only"
              onChange={() => {
                if (mode.kind === "custom") {
                  setCustomOpen(true);
                  return;
                }
                setCustomOpen(false);
                onChange({ kind: mode.kind });
              }}
            />
            {mode.text}
          </label>
        ))}
      </fieldset>
      {selected === "custom" && (
        <form
          className="flex flex-wrap items-end gap-2"
          data-testid="custom-range"
          onSubmit={(event) => {
            event.preventDefault();
            apply();
          }}
        >
          <label className="flex flex-col gap-1 text-sm font-medium">
            From
            <input
              type="datetime-local"
              step={1}
              className={inputClass}
              value={fromText}
              required
              onChange={(event) => {
                setFromText(event.target.value);
              }}
            />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            To (empty: now)
            <input
              type="datetime-local"
              step={1}
              className={inputClass}
              value={toText}
              onChange={(event) => {
                setToText(event.target.value);
              }}
            />
          </label>
          <button
            type="submit"
            className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
          >
            Show range
          </button>
          {problem && (
            <p role="alert" className="w-full text-sm text-rose-700 dark:text-rose-300">
              {problem}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
