import { describe, expect, it } from "vitest";
import { decodeJetstreamEvent } from "./jetstream-event.ts";

// Lines of Jetstream's own golden corpus, captured from a real v1 server
// (bluesky-social/jetstream, internal/subscribe/testdata/golden_v1.jsonl).
const GOLDEN = {
  post: '{"did":"did:plc:q235v55g5unth4zjjdpacfdr","time_us":1779719009157119,"kind":"commit","commit":{"rev":"3mmoojpaqkn2z","operation":"create","collection":"app.bsky.feed.post","rkey":"3mmoojp4cd223","record":{"$type":"app.bsky.feed.post","createdAt":"2026-05-25T14:23:28.757Z","langs":["en"],"reply":{"parent":{"cid":"bafyreiainko5un5pbcdosvxpbisjnjzemojnry6nsgtdftdgslbu37kxai","uri":"at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26"},"root":{"cid":"bafyreiainko5un5pbcdosvxpbisjnjzemojnry6nsgtdftdgslbu37kxai","uri":"at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26"}},"text":"Try RSV for a good time !!"},"cid":"bafyreicl7rzkxdrm4zz2ehbx52kuk3mvfow6p3gzfys72r5grvskxoswy4"}}',
  like: '{"did":"did:plc:mcc5yghbk7tixqryac2yxku7","time_us":1779719009132431,"kind":"commit","commit":{"rev":"3mmoojp7vgo2g","operation":"create","collection":"app.bsky.feed.like","rkey":"3mmoojp7etg2g","record":{"$type":"app.bsky.feed.like","createdAt":"2026-05-25T14:23:28.778Z","subject":{"cid":"bafyreiaxf7tgbfydx3465sckitq6v564thxe2wwydbi7cwxbxvgssje3em","uri":"at://did:plc:vfnmgxg2yscfliemmcxzyfyh/app.bsky.feed.post/3mmoodizfwc2j"}},"cid":"bafyreidqpc7si3dbimffi64lz3xsx2qt45ip7rpna2qpslcddp23itjjzm"}}',
  delete:
    '{"did":"did:plc:3xnadku4kemqnycbweqnvgzx","time_us":1779719009153272,"kind":"commit","commit":{"rev":"3mmoojpae7c2e","operation":"delete","collection":"org.hypercerts.claim.activity","rkey":"3mmontn3gnc2e"}}',
  identity:
    '{"did":"did:plc:g4ut2w5755qxi3fe7mfs72p4","time_us":1779719010267528,"kind":"identity","identity":{"did":"did:plc:g4ut2w5755qxi3fe7mfs72p4","seq":30340180350,"time":"2026-05-25T14:23:29.950Z"}}',
  account:
    '{"did":"did:plc:g4ut2w5755qxi3fe7mfs72p4","time_us":1779719010272410,"kind":"account","account":{"active":true,"did":"did:plc:g4ut2w5755qxi3fe7mfs72p4","seq":30340180351,"time":"2026-05-25T14:23:29.950Z"}}',
};

const noHandles = () => undefined;

function commit(record: unknown, operation = "create", rkey = "3kabc"): string {
  return JSON.stringify({
    did: "did:plc:abc",
    time_us: 1_780_000_000_000_000,
    kind: "commit",
    commit: { rev: "r", operation, collection: "app.bsky.feed.post", rkey, record, cid: "c" },
  });
}

describe("decodeJetstreamEvent", () => {
  it("makes a post of a golden post event: AT URI id, link, text, time, language", () => {
    expect(decodeJetstreamEvent(GOLDEN.post, noHandles)).toEqual({
      kind: "post",
      timeUs: 1779719009157119,
      post: {
        id: "at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223",
        url: "https://bsky.app/profile/did:plc:q235v55g5unth4zjjdpacfdr/post/3mmoojp4cd223",
        text: "Try RSV for a good time !!",
        author: { id: "did:plc:q235v55g5unth4zjjdpacfdr", username: "" },
        createdAt: "2026-05-25T14:23:28.757Z",
        lang: "en",
      },
    });
  });

  it("names the author by the handle an identity event told", () => {
    const item = decodeJetstreamEvent(GOLDEN.post, (did) =>
      did === "did:plc:q235v55g5unth4zjjdpacfdr" ? "alice.bsky.social" : undefined,
    );
    expect(item).toMatchObject({ post: { author: { username: "alice.bsky.social" } } });
  });

  it("ignores other collections, other kinds, and identity events without a handle", () => {
    expect(decodeJetstreamEvent(GOLDEN.like, noHandles)).toEqual({
      kind: "other",
      timeUs: 1779719009132431,
    });
    expect(decodeJetstreamEvent(GOLDEN.delete, noHandles)).toMatchObject({ kind: "other" });
    expect(decodeJetstreamEvent(GOLDEN.identity, noHandles)).toMatchObject({ kind: "other" });
    expect(decodeJetstreamEvent(GOLDEN.account, noHandles)).toMatchObject({ kind: "other" });
    expect(decodeJetstreamEvent(commit({ text: "edited" }, "update"), noHandles)).toMatchObject({
      kind: "other",
    });
  });

  it("reads a handle from an identity event", () => {
    const event = JSON.parse(GOLDEN.identity) as { identity: Record<string, unknown> };
    event.identity.handle = "bob.example.com";
    expect(decodeJetstreamEvent(JSON.stringify(event), noHandles)).toEqual({
      kind: "identity",
      timeUs: 1779719010267528,
      did: "did:plc:g4ut2w5755qxi3fe7mfs72p4",
      handle: "bob.example.com",
    });
  });

  it("gives a post deletion with the id the post had", () => {
    expect(decodeJetstreamEvent(commit(undefined, "delete", "3kxyz"), noHandles)).toEqual({
      kind: "delete",
      timeUs: 1_780_000_000_000_000,
      id: "at://did:plc:abc/app.bsky.feed.post/3kxyz",
    });
  });

  it("takes hashtags from tag facets and the record's tags, and skips other facets", () => {
    const item = decodeJetstreamEvent(
      commit({
        text: "Macet di #Sudirman, cek https://example.com",
        langs: ["id"],
        tags: ["lalinJKT"],
        facets: [
          {
            index: { byteStart: 9, byteEnd: 18 },
            features: [{ $type: "app.bsky.richtext.facet#tag", tag: "Sudirman" }],
          },
          {
            index: { byteStart: 24, byteEnd: 43 },
            features: [{ $type: "app.bsky.richtext.facet#link", uri: "https://example.com" }],
          },
          { broken: true },
        ],
      }),
      noHandles,
    );
    expect(item).toMatchObject({
      kind: "post",
      post: { lang: "id", hashtags: ["lalinJKT", "Sudirman"] },
    });
  });

  it("falls back to Jetstream's time for a createdAt that is not a date, and to und for odd languages", () => {
    const item = decodeJetstreamEvent(
      commit({ text: "hi", createdAt: "yesterday", langs: ["not a language"] }),
      noHandles,
    );
    expect(item).toMatchObject({
      post: { createdAt: new Date(1_780_000_000_000).toISOString(), lang: "und" },
    });
    const future = decodeJetstreamEvent(
      commit({ text: "hi", createdAt: "+275760-09-13T00:00:00.000Z" }),
      noHandles,
    );
    expect(future).toMatchObject({
      post: { createdAt: new Date(1_780_000_000_000).toISOString() },
    });
  });

  it("calls malformed what is not JSON, not an event, or a post without text, and says why", () => {
    expect(decodeJetstreamEvent("{", noHandles)).toEqual({ kind: "malformed", reason: "not JSON" });
    expect(
      decodeJetstreamEvent('{"did":"x","time_us":1,"kind":"commit"}', noHandles),
    ).toMatchObject({ kind: "malformed", reason: expect.stringContaining("did") as unknown });
    expect(
      decodeJetstreamEvent('{"did":"did:plc:a","time_us":1,"kind":"commit"}', noHandles),
    ).toEqual({ kind: "malformed", reason: "a commit event without `commit`" });
    expect(decodeJetstreamEvent(commit({ langs: ["en"] }), noHandles)).toMatchObject({
      kind: "malformed",
      reason: expect.stringContaining("post record: text") as unknown,
    });
    expect(
      decodeJetstreamEvent(commit({ text: "x" }, "create", "../etc"), noHandles),
    ).toMatchObject({ kind: "malformed" });
  });
});
