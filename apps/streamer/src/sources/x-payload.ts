// Shapes of what X sends (stream lines, rule responses, error bodies), parsed
// with zod because nothing from the network is trusted.
import { z } from "zod";
import type { RawPost } from "./source.ts";

const StreamUser = z.object({ id: z.string(), username: z.string() });

/** One post line of the filtered stream (with `expansions=author_id`). */
const StreamPost = z.object({
  data: z.object({
    id: z.string().min(1),
    text: z.string(),
    author_id: z.string().min(1),
    created_at: z.string().optional(),
    lang: z.string().optional(),
  }),
  includes: z.object({ users: z.array(StreamUser).optional() }).optional(),
  matching_rules: z.array(z.object({ tag: z.string().optional() })).optional(),
});

const IsoDate = z.iso.datetime({ offset: true });

/**
 * Maps a stream line to a RawPost, or undefined when it is not a post. A
 * missing author in `includes` (withheld or suspended account) leaves the
 * username empty; a missing or odd `created_at` falls back to `receivedAt`.
 */
export function toRawPost(payload: unknown, receivedAt: Date): RawPost | undefined {
  const parsed = StreamPost.safeParse(payload);
  if (!parsed.success) return undefined;
  const { data, includes, matching_rules } = parsed.data;
  const author = includes?.users?.find((user) => user.id === data.author_id);
  const createdAt = IsoDate.safeParse(data.created_at);
  const tags = (matching_rules ?? []).flatMap((rule) => (rule.tag ? [rule.tag] : []));
  return {
    id: data.id,
    text: data.text,
    author: { id: data.author_id, username: author?.username ?? "" },
    createdAt: createdAt.success
      ? new Date(createdAt.data).toISOString()
      : receivedAt.toISOString(),
    lang: data.lang && data.lang.length >= 2 ? data.lang : "und",
    matchedTopics: [...new Set(tags)],
  };
}

/** An entry of `errors` in X's bodies and in-stream error lines. */
export const XProblem = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
  value: z.string().optional(),
  id: z.string().optional(),
  details: z.array(z.string()).optional(),
  disconnect_type: z.string().optional(),
  connection_issue: z.string().optional(),
});
export type XProblem = z.infer<typeof XProblem>;

const XErrorList = z.object({ errors: z.array(XProblem) });

/**
 * The problems in an error body (`{errors: [...]}`, or one problem as
 * `application/problem+json`) or an in-stream error line; possibly none.
 */
export function problemsOf(body: unknown): XProblem[] {
  const list = XErrorList.safeParse(body);
  if (list.success) return list.data.errors;
  const single = XProblem.safeParse(body);
  return single.success && (single.data.title ?? single.data.detail) !== undefined
    ? [single.data]
    : [];
}

/** True for X's "too many connections" problem, whichever field carries it. */
export function isTooManyConnections(problem: XProblem): boolean {
  return (
    problem.title === "TooManyConnections" || problem.connection_issue === "TooManyConnections"
  );
}

/** A short one-line description of problems, for logs and `stats.lastError`. */
export function describeProblems(problems: readonly XProblem[]): string {
  return problems
    .map((p) => [p.title, p.connection_issue, p.detail].filter(Boolean).join(": "))
    .join("; ");
}

/** A stream rule as X lists it. */
export const XStreamRule = z.object({
  id: z.string(),
  value: z.string(),
  tag: z.string().optional(),
});
export type XStreamRule = z.infer<typeof XStreamRule>;

/** Body of GET and POST `/2/tweets/search/stream/rules`. */
export const XRulesResponse = z.object({
  data: z.array(XStreamRule).optional(),
  errors: z.array(XProblem).optional(),
  meta: z
    .looseObject({
      summary: z
        .looseObject({
          created: z.number().optional(),
          deleted: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type XRulesResponse = z.infer<typeof XRulesResponse>;
