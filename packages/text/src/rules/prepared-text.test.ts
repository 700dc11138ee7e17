import { describe, expect, it } from "vitest";
import { prepareText } from "./prepared-text.ts";

describe("prepareText", () => {
  it("lowercases words and splits at punctuation", () => {
    const post = prepareText("Macet-macetan di Jl. Sudirman, jum'at pagi!", "id");
    expect(post.words).toEqual(["macet", "macetan", "di", "jl", "sudirman", "jum", "at", "pagi"]);
  });

  it("gives a hashtag as #tag and as a word, and keeps its place in the word order", () => {
    const post = prepareText("Pagi ini #Macet parah #LalinSMG", "in");
    expect(post.words).toEqual(["pagi", "ini", "macet", "parah", "lalinsmg"]);
    expect([...post.terms].sort()).toEqual(
      ["#lalinsmg", "#macet", "ini", "lalinsmg", "macet", "pagi", "parah"].sort(),
    );
  });

  it("adds hashtags given beside the text as terms, tokenized like written ones, never as words", () => {
    const post = prepareText("Jalan ditutup", "id", ["Banjir", "lalin_jkt", "jalan-tol", "!"]);
    expect(post.words).toEqual(["jalan", "ditutup"]);
    expect([...post.terms].sort()).toEqual(
      ["#banjir", "#jalan", "#lalin_jkt", "banjir", "ditutup", "jalan", "lalin_jkt"].sort(),
    );
  });

  it("drops URLs and @mentions", () => {
    const post = prepareText(
      "@TMCPoldaMetro macet di tol https://t.co/AbC123 cek www.lalin.id/peta ya",
      "id",
    );
    expect(post.words).toEqual(["macet", "di", "tol", "cek", "ya"]);
    expect(post.terms.has("tmcpoldametro")).toBe(false);
  });

  it("keeps letters of any script, digits and underscores", () => {
    expect(prepareText("KM_12 Straße ถนน 東京 ①", "und").words).toEqual([
      "km_12",
      "straße",
      "ถนน",
      "東京",
      "①",
    ]);
  });

  it("canonicalizes the language tag", () => {
    expect(prepareText("", "in").lang).toBe("id");
    expect(prepareText("", "ID-id").lang).toBe("id-id");
    expect(prepareText("", "en_GB").lang).toBe("en-gb");
    expect(prepareText("", "und").lang).toBe("und");
  });
});
