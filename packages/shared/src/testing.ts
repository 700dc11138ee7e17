// Helpers for tests in every package (subpath export `@tweetream/shared/testing`).
import { randomBytes } from "node:crypto";
import type { OutgoingRecord } from "./kafka/index.ts";
import { encodeMessage } from "./messages/codec.ts";
import { TopicUpserted } from "./messages/control.ts";
import type { TopicNames } from "./topics.ts";

/** A unique lowercase name such as `test-3f9a1c2b7d`, so tests never share topics or groups. */
export function uniqueName(prefix = "test"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 50, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** GETs `/readyz` on a local port; returns the status and the parsed body. */
export async function readinessOf(port: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** A control-topic record that creates or updates topic `slug` with `rule` (as the web app writes it). */
export function topicUpsertRecord(topics: TopicNames, slug: string, rule: string): OutgoingRecord {
  return {
    topic: topics.control,
    key: slug,
    value: encodeMessage(TopicUpserted, {
      v: 1,
      type: "topic.upserted",
      slug,
      name: slug,
      rule,
      description: "",
      updatedAt: new Date().toISOString(),
    }),
  };
}

/** The control-topic tombstone that deletes topic `slug`. */
export function topicDeleteRecord(topics: TopicNames, slug: string): OutgoingRecord {
  return { topic: topics.control, key: slug, value: null };
}

/**
 * GETs `/metrics` on a local port and returns the value of the series `name`
 * whose labels include `labels` (in any order), or undefined.
 */
export async function metricValue(
  port: number,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const present = new Set((match[2] ?? "").split(","));
    if (wanted.every((w) => present.has(w))) return Number(match[3]);
  }
  return undefined;
}
