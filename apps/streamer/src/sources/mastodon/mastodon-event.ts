// Decoding of Mastodon streaming API messages (docs.joinmastodon.org,
// methods/streaming): `{"stream":[…],"event":"update","payload":"<Status JSON>"}`.
// The payload of `update` and `status.update` is a JSON string parsed a second
// time; that of `delete` is the status id itself. A status's HTML `content`
// becomes text through html-to-text.
import { convert } from "html-to-text";
import { z } from "zod";
import type { RawPost } from "../source.ts";

/** What one message means to the source. */
export type MastodonItem =
  | { readonly kind: "post"; readonly post: RawPost }
  /** `id` is the post's id (see `statusPostId`). */
  | { readonly kind: "delete"; readonly id: string }
  /** A status was edited: `post` is its new version (`editedAt` set). */
  | { readonly kind: "edit"; readonly post: RawPost }
  /** The server refused a subscription (`{"error":…,"status":…}`). */
  | { readonly kind: "error"; readonly status: number | undefined; readonly message: string }
  /** Another event (notifications, filters, boosts), ignored. */
  | { readonly kind: "other" }
  | { readonly kind: "malformed"; readonly reason: string };

const Message = z.object({
  event: z.string(),
  payload: z.string().optional(),
  stream: z.array(z.string()).optional(),
});

const ErrorMessage = z.object({ error: z.string(), status: z.number().optional() });

const Status = z.object({
  id: z.string().min(1).max(100),
  uri: z.string(),
  url: z.string().nullish(),
  created_at: z.iso.datetime({ offset: true }),
  content: z.string(),
  spoiler_text: z.string().optional(),
  language: z.string().nullish(),
  edited_at: z.iso.datetime({ offset: true }).nullish(),
  reblog: z.unknown().nullish(),
  account: z.object({ acct: z.string().min(1).max(253) }),
  tags: z.array(z.object({ name: z.string() })).optional(),
});
type Status = z.infer<typeof Status>;

/**
 * A status's post id: its URL in the instance's API (a `delete` event names
 * the status by its id on that instance, so the id must be derivable from it).
 */
export function statusPostId(origin: string, statusId: string): string {
  return `${origin}/api/v1/statuses/${statusId}`;
}

const HTML_TO_TEXT = {
  wordwrap: false as const,
  selectors: [
    // Mentions, hashtags and links read as their text; the URLs add nothing to match.
    { selector: "a", options: { ignoreHref: true } },
    { selector: "img", format: "skip" },
  ],
};

/** The plain text of a status's HTML (paragraphs and line breaks kept, entities decoded). */
export function htmlText(html: string): string {
  return convert(html, HTML_TO_TEXT).trim();
}

/**
 * Decodes one message of a stream read from the instance at `origin`
 * (`https://mastodon.social`); never throws.
 */
export function decodeMastodonMessage(text: string, origin: string): MastodonItem {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "malformed", reason: "not JSON" };
  }
  const refusal = ErrorMessage.safeParse(json);
  if (refusal.success) {
    return { kind: "error", status: refusal.data.status, message: refusal.data.error };
  }
  const message = Message.safeParse(json);
  if (!message.success) return { kind: "malformed", reason: "not a streaming event" };
  const { event, payload } = message.data;
  switch (event) {
    case "delete":
      if (payload === undefined || !/^[A-Za-z0-9]{1,100}$/.test(payload)) {
        return { kind: "malformed", reason: "a delete without a status id" };
      }
      return { kind: "delete", id: statusPostId(origin, payload) };
    case "status.update":
      return decodeStatus(payload, origin, "edit");
    case "update":
      return decodeStatus(payload, origin, "post");
    default:
      return { kind: "other" };
  }
}

function decodeStatus(
  payload: string | undefined,
  origin: string,
  kind: "post" | "edit",
): MastodonItem {
  if (payload === undefined) return { kind: "malformed", reason: "an update without a payload" };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { kind: "malformed", reason: "an update whose payload is not JSON" };
  }
  const status = Status.safeParse(json);
  if (!status.success) {
    return { kind: "malformed", reason: `an update that is not a status: ${status.error.message}` };
  }
  // A boost repeats another status: the status itself arrives on its own.
  if (status.data.reblog) return { kind: "other" };
  const post = statusPost(status.data, origin);
  if (kind === "post") return { kind, post };
  const editedAt = status.data.edited_at;
  if (!editedAt) return { kind: "malformed", reason: "a status.update without edited_at" };
  return { kind, post: { ...post, editedAt: new Date(editedAt).toISOString() } };
}

function statusPost(status: Status, origin: string): RawPost {
  const content = htmlText(status.content);
  const warning = status.spoiler_text?.trim() ?? "";
  const link = [status.url, status.uri].find((url) => url?.startsWith("https://"));
  const { acct } = status.account;
  // A local account's acct has no domain: add the instance's, so the handle is whole.
  const handle = acct.includes("@") ? acct : `${acct}@${new URL(origin).hostname}`;
  const hashtags = (status.tags ?? []).map((tag) => tag.name).filter((name) => name !== "");
  return {
    id: statusPostId(origin, status.id),
    // A content warning says what the post is about: it is matched and shown with it.
    text: warning === "" ? content : `${warning}\n\n${content}`,
    author: { id: handle, username: handle },
    createdAt: new Date(status.created_at).toISOString(),
    lang: status.language ?? "und",
    ...(link ? { url: link } : {}),
    ...(hashtags.length > 0 ? { hashtags } : {}),
  };
}
