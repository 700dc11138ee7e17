"use client";
// Create or edit a topic. The rule is checked by the server as you type
// (debounced) and its problem shown at its position, with a preview of what it
// would have matched in the last hour; errors from the mutation are shown next
// to the field they name.
import { skipToken, useMutation, useQuery } from "@apollo/client/react";
import { useId, useState, type SyntheticEvent } from "react";
import {
  CREATE_TOPIC,
  TOPICS,
  UPDATE_TOPIC,
  VALIDATE_RULE,
  type Topic,
} from "./graphql-operations.ts";
import { formErrors, type FieldError, type FormErrors } from "./graphql-errors.ts";
import { RulePreview } from "./rule-preview.tsx";
import { useDebounced } from "./use-debounced.ts";

const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm aria-[invalid=true]:border-rose-500 dark:border-slate-600 dark:bg-slate-900";

function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  if (!error) return null;
  return (
    <p
      id={id}
      role="alert"
      className="text-xs text-rose-700 dark:text-rose-300"
      data-testid="field-error"
    >
      {error.message}
      {error.position !== undefined && ` (at character ${error.position + 1})`}
    </p>
  );
}

function RuleCheck({ rule, serverError }: { rule: string; serverError: FieldError | undefined }) {
  const settled = useDebounced(rule, 300);
  const { data, loading } = useQuery(
    VALIDATE_RULE,
    settled.trim() === "" ? skipToken : { variables: { rule: settled } },
  );
  if (rule.trim() === "") return null;
  const result = settled === rule ? data?.validateRule : undefined;
  if (!result || loading) {
    return <p className="text-xs text-slate-500 dark:text-slate-400">Checking…</p>;
  }
  if (result.ok) {
    return serverError ? null : (
      <p className="text-xs text-emerald-700 dark:text-emerald-400" data-testid="rule-ok">
        ✓ Valid rule
      </p>
    );
  }
  const position = result.position ?? rule.length;
  return (
    <div role="alert" data-testid="rule-error" className="text-xs text-rose-700 dark:text-rose-300">
      <p>
        At character {position + 1}: {result.message ?? "invalid rule"}
      </p>
      <pre
        className="mt-1 overflow-x-auto rounded bg-slate-100 p-1 font-mono text-slate-800 dark:bg-slate-800 dark:text-slate-100"
        aria-hidden="true"
      >
        {rule}
        {"\n"}
        {" ".repeat(position)}^
      </pre>
    </div>
  );
}

export function TopicForm({
  topic,
  onDone,
  onUnauthorized,
}: {
  /** The topic to edit; a new topic when absent. */
  topic?: Topic;
  onDone: () => void;
  onUnauthorized: () => void;
}) {
  const id = useId();
  const [slug, setSlug] = useState(topic?.slug ?? "");
  const [name, setName] = useState(topic?.name ?? "");
  const [rule, setRule] = useState(topic?.rule ?? "");
  const [description, setDescription] = useState(topic?.description ?? "");
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [create, creating] = useMutation(CREATE_TOPIC, { refetchQueries: [TOPICS] });
  const [update, updating] = useMutation(UPDATE_TOPIC, { refetchQueries: [TOPICS] });
  const busy = creating.loading || updating.loading;

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setErrors(null);
    const input = { name: name.trim(), rule, description };
    try {
      if (topic) await update({ variables: { slug: topic.slug, input } });
      else await create({ variables: { input: { ...input, slug: slug.trim() } } });
      onDone();
    } catch (error) {
      const sorted = formErrors(error);
      setErrors(sorted);
      if (sorted.unauthorized) onUnauthorized();
    }
  };

  const field = (name: string) => errors?.fields[name];
  const describedBy = (name: string) => (field(name) ? `${id}-${name}-error` : undefined);
  return (
    <form
      onSubmit={(event) => void submit(event)}
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      aria-label={topic ? `Edit topic ${topic.slug}` : "New topic"}
      data-testid="topic-form"
    >
      <h3 className="text-sm font-semibold">{topic ? `Edit “${topic.slug}”` : "New topic"}</h3>
      {errors?.general.map((error, index) => (
        <p
          key={index}
          role="alert"
          className="rounded bg-rose-100 px-2 py-1 text-sm text-rose-900 dark:bg-rose-950 dark:text-rose-100"
        >
          {error.message}
        </p>
      ))}
      <div className="grid gap-3 sm:grid-cols-2">
        {!topic && (
          <label className="flex flex-col gap-1 text-sm font-medium">
            Slug
            <input
              className={inputClass}
              value={slug}
              onChange={(event) => {
                setSlug(event.target.value);
              }}
              required
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              minLength={2}
              maxLength={63}
              autoComplete="off"
              aria-invalid={field("slug") ? true : undefined}
              aria-describedby={describedBy("slug") ?? `${id}-slug-hint`}
              name="slug"
            />
            <span
              id={`${id}-slug-hint`}
              className="text-xs font-normal text-slate-500 dark:text-slate-400"
            >
              2–63 lowercase letters, digits and single hyphens
            </span>
            <FieldMessage id={`${id}-slug-error`} error={field("slug")} />
          </label>
        )}
        <label className="flex flex-col gap-1 text-sm font-medium">
          Name
          <input
            className={inputClass}
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
            required
            aria-invalid={field("name") ? true : undefined}
            aria-describedby={describedBy("name")}
            name="name"
          />
          <FieldMessage id={`${id}-name-error`} error={field("name")} />
        </label>
      </div>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Rule
        <textarea
          className={`${inputClass} font-mono`}
          value={rule}
          onChange={(event) => {
            setRule(event.target.value);
          }}
          required
          rows={2}
          spellCheck={false}
          placeholder='e.g. (macet OR "jalan tol") -hoax'
          aria-invalid={field("rule") ? true : undefined}
          aria-describedby={describedBy("rule")}
          name="rule"
        />
      </label>
      <RuleCheck rule={rule} serverError={field("rule")} />
      <FieldMessage id={`${id}-rule-error`} error={field("rule")} />
      <RulePreview rule={rule} />
      <label className="flex flex-col gap-1 text-sm font-medium">
        <span>
          Description{" "}
          <span className="font-normal text-slate-500 dark:text-slate-400">(optional)</span>
        </span>
        <input
          className={inputClass}
          value={description}
          onChange={(event) => {
            setDescription(event.target.value);
          }}
          aria-invalid={field("description") ? true : undefined}
          aria-describedby={describedBy("description")}
          name="description"
        />
        <FieldMessage id={`${id}-description-error`} error={field("description")} />
      </label>
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={busy}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
        >
          {busy ? "Saving…" : topic ? "Save" : "Create topic"}
        </button>
        <button
          type="button"
          onClick={onDone}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
