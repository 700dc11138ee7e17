import { describe, expect, it } from "vitest";
import { decodeMastodonMessage, htmlText } from "./mastodon-event.ts";

const ORIGIN = "https://mastodon.social";
const event = (name: string, payload?: unknown) =>
  JSON.stringify({
    stream: ["public"],
    event: name,
    ...(payload === undefined
      ? {}
      : { payload: typeof payload === "string" ? payload : JSON.stringify(payload) }),
  });

describe("Mastodon streaming messages", () => {
  it("turns a status's HTML into text: paragraphs, line breaks, entities, links by their text", () => {
    expect(
      htmlText(
        '<p>Macet di <a href="https://mastodon.social/tags/jakarta" class="mention hashtag" rel="tag">#<span>Jakarta</span></a>, <span class="h-card"><a href="https://x.example/@budi" class="u-url mention">@<span>budi</span></a></span> &lt;3</p><p>baris satu<br />baris dua</p><p><a href="https://example.com/a/very/long/path" rel="nofollow noopener"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very</span><span class="invisible">/long/path</span></a></p>',
      ),
    ).toBe(
      "Macet di #Jakarta, @budi <3\n\nbaris satu\nbaris dua\n\nhttps://example.com/a/very/long/path",
    );
    expect(htmlText('<p>gambar <img src="x.png" alt="x"></p><script>alert(1)</script>')).toBe(
      "gambar",
    );
  });

  it("decodes an update, a delete and an edit, and says why a message is malformed", () => {
    const status = {
      id: "1131",
      uri: "https://other.example/users/ani/statuses/9",
      url: null,
      created_at: "2026-12-03T08:00:00.123+07:00",
      content: "<p>jalan tol padat</p>",
      spoiler_text: "",
      language: "id",
      reblog: null,
      account: { acct: "ani@other.example" },
      tags: [],
    };
    const post = {
      id: "https://mastodon.social/api/v1/statuses/1131",
      text: "jalan tol padat",
      author: { id: "ani@other.example", username: "ani@other.example" },
      createdAt: "2026-12-03T01:00:00.123Z",
      lang: "id",
      url: "https://other.example/users/ani/statuses/9",
    };
    expect(decodeMastodonMessage(event("update", status), ORIGIN)).toEqual({ kind: "post", post });
    expect(decodeMastodonMessage(event("delete", "1131"), ORIGIN)).toEqual({
      kind: "delete",
      id: post.id,
    });
    const edited = {
      ...status,
      content: "<p>jalan tol lancar</p>",
      edited_at: "2026-12-03T09:30:00+07:00",
    };
    expect(decodeMastodonMessage(event("status.update", edited), ORIGIN)).toEqual({
      kind: "edit",
      post: { ...post, text: "jalan tol lancar", editedAt: "2026-12-03T02:30:00.000Z" },
    });
    expect(decodeMastodonMessage(event("filters_changed"), ORIGIN)).toEqual({ kind: "other" });
    expect(decodeMastodonMessage(event("update", { ...status, reblog: status }), ORIGIN)).toEqual({
      kind: "other",
    });
    expect(
      decodeMastodonMessage(JSON.stringify({ error: "Missing access token", status: 401 }), ORIGIN),
    ).toEqual({ kind: "error", status: 401, message: "Missing access token" });

    const reasons = [
      "nope",
      JSON.stringify({ stream: ["public"] }),
      event("update"),
      event("update", "{oops"),
      event("update", { ...status, created_at: "yesterday" }),
      event("delete", "../../etc"),
      event("status.update", status),
    ].map((text) => {
      const item = decodeMastodonMessage(text, ORIGIN);
      return item.kind === "malformed" ? item.reason.split(":")[0] : item.kind;
    });
    expect(reasons).toEqual([
      "not JSON",
      "not a streaming event",
      "an update without a payload",
      "an update whose payload is not JSON",
      "an update that is not a status",
      "a delete without a status id",
      "a status.update without edited_at",
    ]);
  });
});
