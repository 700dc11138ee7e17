"use client";
// The topic list, kept current by the topicsChanged subscription. A deleted
// topic is dropped at once: a refetch racing the deletion could still list it
// as DELETING, so deleted slugs stay hidden until they are created again.
import { skipToken, useQuery, useSubscription } from "@apollo/client/react";
import { useState } from "react";
import { TOPICS, TOPICS_CHANGED, type Topic } from "./graphql-operations.ts";

export interface LiveTopics {
  topics: Topic[];
  loading: boolean;
  error: Error | undefined;
}

/** Every topic, live; `enabled: false` fetches nothing. */
export function useLiveTopics(enabled = true): LiveTopics {
  const [deleted, setDeleted] = useState<ReadonlySet<string>>(new Set());
  const query = useQuery(TOPICS, enabled ? { fetchPolicy: "cache-and-network" } : skipToken);
  useSubscription(
    TOPICS_CHANGED,
    enabled
      ? {
          onData: ({ data }) => {
            const change = data.data?.topicsChanged;
            if (!change) return;
            setDeleted((current) => {
              const next = new Set(current);
              if (change.kind === "DELETED") next.add(change.slug);
              else next.delete(change.slug);
              return next;
            });
            if (change.kind !== "DELETED") void query.refetch();
          },
        }
      : skipToken,
  );
  return {
    topics: (query.data?.topics ?? []).filter((topic) => !deleted.has(topic.slug)),
    loading: query.loading,
    error: query.error,
  };
}
