"use client";
// `/admin`: sign in with the admin token, then create, edit and delete topics.
import { useMutation } from "@apollo/client/react";
import { useState, useSyncExternalStore, type SyntheticEvent } from "react";
import {
  getAdminToken,
  rejectAdminToken,
  setAdminToken,
  subscribeAdminToken,
  wasAdminTokenRejected,
} from "./admin-token.ts";
import { DELETE_TOPIC, TOPICS, type Topic } from "./graphql-operations.ts";
import { formErrors } from "./graphql-errors.ts";
import { TopicForm } from "./topic-form.tsx";
import { useTransport } from "./transport-context.tsx";
import { useLiveTopics } from "./use-live-topics.ts";

const buttonClass =
  "rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800";

function SignIn() {
  const rejected = wasAdminTokenRejected();
  const transport = useTransport();
  const [token, setToken] = useState("");
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setAdminToken(token.trim());
    // Reconnect so connection_init carries the token.
    transport?.ws.terminate();
  };
  return (
    <form
      onSubmit={submit}
      className="mx-auto flex w-full max-w-sm flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      aria-label="Sign in"
    >
      <h2 className="text-base font-semibold">Admin sign-in</h2>
      {rejected && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          The server refused that token.
        </p>
      )}
      <label className="flex flex-col gap-1 text-sm font-medium">
        Admin token
        <input
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onChange={(event) => {
            setToken(event.target.value);
          }}
          className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900"
        />
      </label>
      <button
        type="submit"
        className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
      >
        Sign in
      </button>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Kept for this browser tab only (sessionStorage).
      </p>
    </form>
  );
}

function TopicRow({
  topic,
  onEdit,
  onUnauthorized,
}: {
  topic: Topic;
  onEdit: () => void;
  onUnauthorized: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [remove, removing] = useMutation(DELETE_TOPIC, { refetchQueries: [TOPICS] });
  const doDelete = async () => {
    setError(null);
    try {
      await remove({ variables: { slug: topic.slug } });
    } catch (caught) {
      const sorted = formErrors(caught);
      setError(
        [...sorted.general, ...Object.values(sorted.fields)].map((e) => e?.message).join("; "),
      );
      if (sorted.unauthorized) onUnauthorized();
    } finally {
      setConfirming(false);
    }
  };
  return (
    <li
      data-testid="admin-topic"
      data-slug={topic.slug}
      className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:flex-row sm:items-center dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="min-w-0 flex-1">
        <p className="font-medium">
          {topic.name}{" "}
          <span className="text-sm font-normal text-slate-500 dark:text-slate-400">
            {topic.slug}
          </span>
          <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-normal dark:bg-slate-800">
            {topic.status.toLowerCase()}
          </span>
        </p>
        <p
          className="truncate font-mono text-xs text-slate-600 dark:text-slate-300"
          title={topic.rule}
        >
          {topic.rule}
        </p>
        {error && (
          <p role="alert" className="text-xs text-rose-700 dark:text-rose-300">
            {error}
          </p>
        )}
      </div>
      <div className="flex gap-2">
        <button
          type="button"
          className={buttonClass}
          onClick={onEdit}
          aria-label={`Edit ${topic.slug}`}
        >
          Edit
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              className="rounded-md bg-rose-600 px-2.5 py-1 text-sm font-medium text-white hover:bg-rose-500 disabled:opacity-50"
              onClick={() => void doDelete()}
              disabled={removing.loading}
              aria-label={`Confirm deleting ${topic.slug}`}
            >
              {removing.loading ? "Deleting…" : "Confirm delete"}
            </button>
            <button
              type="button"
              className={buttonClass}
              onClick={() => {
                setConfirming(false);
              }}
            >
              Keep
            </button>
          </>
        ) : (
          <button
            type="button"
            className={buttonClass}
            onClick={() => {
              setConfirming(true);
            }}
            aria-label={`Delete ${topic.slug}`}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  );
}

export function AdminPage() {
  const token = useSyncExternalStore(subscribeAdminToken, getAdminToken, () => null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const transport = useTransport();
  const topics = useLiveTopics(token !== null);
  const signOut = (refused: boolean) => {
    setEditing(null);
    setCreating(false);
    if (refused) rejectAdminToken();
    else setAdminToken(null);
    transport?.ws.terminate();
  };
  if (token === null) return <SignIn />;
  const list = topics.topics;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-lg font-semibold">Topics</h1>
        <span className="text-sm text-slate-500 dark:text-slate-400">{list.length}</span>
        <div className="ml-auto flex gap-2">
          <button
            type="button"
            className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
            onClick={() => {
              setCreating(true);
            }}
            disabled={creating}
          >
            New topic
          </button>
          <button
            type="button"
            className={buttonClass}
            onClick={() => {
              signOut(false);
            }}
          >
            Sign out
          </button>
        </div>
      </div>
      {creating && (
        <TopicForm
          onDone={() => {
            setCreating(false);
          }}
          onUnauthorized={() => {
            signOut(true);
          }}
        />
      )}
      {topics.error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          Could not load topics: {topics.error.message}
        </p>
      )}
      {list.length === 0 && !topics.loading && (
        <p className="text-sm text-slate-500 dark:text-slate-400">No topics yet.</p>
      )}
      <ul className="flex flex-col gap-2" aria-label="Topics">
        {list.map((topic) =>
          editing === topic.slug ? (
            <li key={topic.slug}>
              <TopicForm
                topic={topic}
                onDone={() => {
                  setEditing(null);
                }}
                onUnauthorized={() => {
                  signOut(true);
                }}
              />
            </li>
          ) : (
            <TopicRow
              key={topic.slug}
              topic={topic}
              onEdit={() => {
                setEditing(topic.slug);
              }}
              onUnauthorized={() => {
                signOut(true);
              }}
            />
          ),
        )}
      </ul>
    </div>
  );
}
