import type { Label } from "./graphql-operations.ts";

export const LABEL_TEXT: Record<Label, string> = { TRAFFIC: "Traffic", NON_TRAFFIC: "Non-traffic" };

const STYLE: Record<Label, string> = {
  TRAFFIC:
    "bg-orange-100 text-orange-800 ring-orange-300 dark:bg-orange-950 dark:text-orange-200 dark:ring-orange-800",
  NON_TRAFFIC:
    "bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800",
};

/** The model's label as a coloured pill. */
export function LabelBadge({ label }: { label: Label }) {
  return (
    <span
      data-testid="label-badge"
      data-label={label}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLE[label]}`}
    >
      {LABEL_TEXT[label]}
    </span>
  );
}
