import { describe, expect, it } from "vitest";
import { generatePosts, SyntheticGenerator } from "./generator.ts";

const texts = (seed: number, n = 300) => generatePosts(n, { seed }).map(({ post }) => post.text);

describe("generatePosts", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = generatePosts(300, { seed: 42, now: 0 });
    const b = generatePosts(300, { seed: 42, now: 0 });
    expect(b).toEqual(a);
    expect(texts(43)).not.toEqual(texts(42));
  });

  it("gives the same sequence whatever the batching", () => {
    const generator = new SyntheticGenerator({ seed: 9 });
    const oneByOne = Array.from({ length: 50 }, () => generator.next("2026-01-01T00:00:00.000Z"));
    expect(oneByOne).toEqual(generatePosts(50, { seed: 9, now: Date.parse("2026-01-01") }));
  });

  it("makes about the asked share of traffic posts", () => {
    for (const share of [0.3, 0.5, 0.8]) {
      const posts = generatePosts(10_000, { seed: 1, trafficShare: share });
      const traffic = posts.filter((p) => p.expectedLabel === "traffic").length / posts.length;
      expect(traffic).toBeGreaterThan(share - 0.025);
      expect(traffic).toBeLessThan(share + 0.025);
    }
    const none = generatePosts(2_000, { seed: 1, trafficShare: 0 });
    expect(none.every((p) => p.expectedLabel === "non_traffic")).toBe(true);
    const all = generatePosts(2_000, { seed: 1, trafficShare: 1 });
    expect(all.every((p) => p.expectedLabel === "traffic")).toBe(true);
  });

  it("gives unique ids and rarely repeats a text", () => {
    const posts = generatePosts(10_000, { seed: 2 });
    expect(new Set(posts.map((p) => p.post.id)).size).toBe(10_000);
    expect(posts[0]?.post.id).toBe("syn-2-1");
    expect(new Set(posts.map((p) => p.post.text)).size).toBeGreaterThan(9_700);
  });

  it("makes well-formed, mostly Indonesian posts of a microblog's length", () => {
    const posts = generatePosts(5_000, { seed: 3, now: Date.parse("2026-05-01T07:15:00Z") });
    for (const { post } of posts) {
      expect(post.text.trim().length).toBeGreaterThan(0);
      expect(post.text.length).toBeLessThanOrEqual(280);
      expect(post.author.id).not.toBe("");
      expect(post.author.username).toMatch(/^\w{1,32}$/);
      expect(post.createdAt).toBe("2026-05-01T07:15:00.000Z");
      expect(["id", "en", "und"]).toContain(post.lang);
    }
    expect(posts.filter((p) => p.post.lang === "id").length).toBeGreaterThan(4_700);
  });

  it("varies style: official reports, complaints, retweets, mentions, links, hashtags", () => {
    const all = generatePosts(5_000, { seed: 4 }).map((p) => p.post.text);
    const share = (pattern: RegExp) => all.filter((text) => pattern.test(text)).length;
    expect(share(/^RT @\w+: /)).toBeGreaterThan(100);
    expect(share(/^@\w+ /)).toBeGreaterThan(50);
    expect(share(/https:\/\/t\.co\/\w{10}/)).toBeGreaterThan(50);
    expect(share(/#\w+/)).toBeGreaterThan(500);
    expect(share(/\b(WIB|WITA)\b/)).toBeGreaterThan(200);
    expect(share(/\b(gak|nggak|ga|ngga|banget|bgt|aja|yg)\b/)).toBeGreaterThan(500);
  });

  it("rejects a bad seed or share", () => {
    expect(() => new SyntheticGenerator({ seed: 1.5 })).toThrow(RangeError);
    expect(() => new SyntheticGenerator({ trafficShare: 1.5 })).toThrow(RangeError);
  });
});
