import { describe, expect, it } from "vitest";
import { ABBREVIATIONS } from "./abbreviations.ts";
import { PREPROCESSING_VERSION, preprocess, tokenize } from "./preprocess.ts";
import { STOPWORDS } from "./stopwords.ts";

describe("preprocess", () => {
  it("cleans an official traffic account's retweet", () => {
    expect(
      preprocess(
        "RT @lalin_kota: 07.15 WIB kondisi lalin di sp Kentungan dan sp Jombor terpantau padat merayap ke arah Utara. https://t.co/AbCdEf123 @polisi_kota",
      ),
    ).toBe(
      "07 15 wib kondisi lintas simpang kentungan simpang jombor terpantau padat merayap arah utara",
    );
  });

  it("cleans an ordinary person's post about a jam", () => {
    expect(preprocess("Macettt bgt di jln Kaliurang, hati2 ya gaes #jogja @ATCS_DIY")).toBe(
      "macet banget jalan kaliurang hati gaes",
    );
  });

  it("drops negations and the random corpus's track words", () => {
    expect(preprocess("aku gak mau pulang, tapi oke deh")).toBe("pulang");
    expect(tokenize("jalan tidak bisa dilewati")).toEqual(["jalan", "dilewati"]);
  });

  it("keeps stopwords that describe traffic", () => {
    expect(preprocess("antrian panjang menuju gerbang tol, arus balik")).toBe(
      "antre panjang menuju gerbang tol arus balik",
    );
  });

  it("decodes Twitter's HTML escapes instead of leaving 'amp' tokens", () => {
    expect(preprocess("Rambu &amp; marka jalan")).toBe("rambu marka jalan");
  });

  it("keeps lowercase 'rt' (the neighbourhood unit) but removes the retweet marker", () => {
    expect(preprocess("RT banjir di rt 05")).toBe("banjir rt 05");
  });

  it("strips every kind of URL", () => {
    expect(preprocess("cek www.example.com/x http://a.b/c pic.twitter.com/abc banjir")).toBe(
      "cek banjir",
    );
  });

  it("returns an empty string when nothing is left", () => {
    expect(preprocess("")).toBe("");
    expect(preprocess("😂😂 https://t.co/x @someone #wkwk")).toBe("");
    expect(tokenize("yang dan di")).toEqual([]);
  });

  it("is idempotent, so cleaning cleaned text changes nothing", () => {
    const once = preprocess("Kecelakaan di tol Cikampek km 57, antrian kend 5 km!!");
    expect(once).toBe("kecelakaan tol cikampek km 57 antre kendaraan 5 km");
    expect(preprocess(once)).toBe(once);
  });

  it("has lowercase single-token abbreviation keys and a non-empty version", () => {
    for (const key of ABBREVIATIONS.keys()) expect(key).toMatch(/^[a-z0-9]+$/);
    expect(PREPROCESSING_VERSION).not.toBe("");
    expect(STOPWORDS.has("yang")).toBe(true);
    expect(STOPWORDS.has("panjang")).toBe(false);
  });
});

describe("preprocess throughput", () => {
  // A benchmark: it reports, it does not pass or fail on time.
  it("reports posts per second on one core", () => {
    const posts = Array.from(
      { length: 20_000 },
      (_, i) =>
        `RT @ATCS_DIY: 16.${i % 60} WIB arus lalin di simp Jombor dr arah utara terpantau padat merayap, antrian kend ${i % 9} km #jogja https://t.co/x${i}`,
    );
    const started = performance.now();
    let tokens = 0;
    for (const post of posts) tokens += tokenize(post).length;
    const seconds = (performance.now() - started) / 1000;
    console.log(`preprocess throughput: ${Math.round(posts.length / seconds)} posts/s`);
    expect(tokens).toBeGreaterThan(posts.length * 5);
  });
});
