import type { Label } from "./graphql-operations.ts";

export const LABEL_TEXT: Record<Label, string> = {
  TRAFFIC: "Traffic",
  NON_TRAFFIC: "Non-traffic",
  NOT_CLASSIFIED: "Not classified",
};

const STYLE: Record<Label, string> = {
  TRAFFIC:
    "bg-orange-100 text-orange-800 ring-orange-300 dark:bg-orange-950 dark:text-orange-200 dark:ring-orange-800",
  NON_TRAFFIC:
    "bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800",
  NOT_CLASSIFIED:
    "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-600",
};

/** A post's label as a coloured pill; a post not classified names its language. */
export function LabelBadge({ label, language }: { label: Label; language?: string | null }) {
  const text = language ? `${LABEL_TEXT[label]} (${language})` : LABEL_TEXT[label];
  return (
    <span
      data-testid="label-badge"
      data-label={label}
      title={
        label === "NOT_CLASSIFIED"
          ? "In a language the traffic model was not trained for"
          : undefined
      }
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLE[label]}`}
    >
      {text}
    </span>
  );
}
