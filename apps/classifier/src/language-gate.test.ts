import { describe, expect, it } from "vitest";
import { createLanguageGate, mostlyOtherScript, tagLanguage } from "./language-gate.ts";

const languages = ["id", "ms", "jv", "su"];

describe("tagLanguage", () => {
  it("reads the primary subtag and knows X's and ISO 639-3's other spellings", () => {
    expect(tagLanguage("id")).toBe("id");
    expect(tagLanguage("in")).toBe("id");
    expect(tagLanguage("id-ID")).toBe("id");
    expect(tagLanguage("EN_us")).toBe("en");
    expect(tagLanguage("zsm")).toBe("ms");
    expect(tagLanguage("pt-BR")).toBe("pt");
  });

  it("says nothing for tags that name no language", () => {
    for (const tag of ["und", "zxx", "qme", "qht", "art", "", "x-private", "12"]) {
      expect(tagLanguage(tag), tag).toBeUndefined();
    }
  });
});

describe("mostlyOtherScript", () => {
  it("compares letters only: digits, emoji and punctuation count for neither", () => {
    expect(mostlyOtherScript("今日はまたUNYだねぇ")).toBe(true);
    expect(mostlyOtherScript("macet di jalan 😂 123")).toBe(false);
    expect(mostlyOtherScript("😂 123 !!")).toBe(false);
    expect(mostlyOtherScript("Привет, Yogyakarta")).toBe(false);
    expect(mostlyOtherScript("Привет, как дела в Jogja")).toBe(true);
  });
});

describe("createLanguageGate", () => {
  it("trusts a source's language tag", async () => {
    const gate = createLanguageGate({ languages, mode: "never" });
    expect(await gate.check({ text: "Traffic jam on the bridge", lang: "en" })).toEqual({
      language: "en",
      by: "tag",
    });
    // The tag wins over the text, both ways.
    expect(await gate.check({ text: "Traffic jam on the bridge", lang: "in" })).toBeUndefined();
    expect(await gate.check({ text: "macet total di jalan", lang: "ja" })).toEqual({
      language: "ja",
      by: "tag",
    });
  });

  it("other-scripts: detects only text that is mostly not in Latin letters", async () => {
    const gate = createLanguageGate({ languages, mode: "other-scripts" });
    expect(
      await gate.check({ text: "@inoino おはよー☕ 今日はまたUNYだねぇ", lang: "und" }),
    ).toEqual({ language: "ja", by: "detector" });
    expect(
      await gate.check({ text: "Привет, как дела? Сегодня пробки на дорогах", lang: "und" }),
    ).toEqual({ language: "ru", by: "detector" });
    // English is left to the model here: detectors place short Indonesian posts in English too.
    expect(
      await gate.check({ text: "The most beautiful paradise I have ever seen", lang: "und" }),
    ).toBeUndefined();
  });

  it("always: detects every untagged text, and keeps what it cannot place reliably", async () => {
    const gate = createLanguageGate({ languages, mode: "always" });
    expect(
      await gate.check({
        text: "The most beautiful paradise in Jogja I have ever seen https://t.co/x #beach",
        lang: "und",
      }),
    ).toEqual({ language: "en", by: "detector" });
    expect(
      await gate.check({ text: "arus lalu lintas padat merayap di simpang empat", lang: "und" }),
    ).toBeUndefined();
    expect(await gate.check({ text: "ok", lang: "und" })).toBeUndefined();
  });

  it("never loads the detector for tagged posts or in never mode", async () => {
    let loads = 0;
    const loadDetector = () => {
      loads++;
      return Promise.resolve({ detect: () => ({ language: "ja", isReliable: () => true }) });
    };
    const never = createLanguageGate({ languages, mode: "never", loadDetector });
    expect(await never.check({ text: "今日はまたUNYだねぇ", lang: "und" })).toBeUndefined();
    const always = createLanguageGate({ languages, mode: "always", loadDetector });
    expect(await always.check({ text: "今日はまたUNYだねぇ", lang: "id" })).toBeUndefined();
    expect(loads).toBe(0);
    // Only the first detection waits for the load; later ones, and tags, answer at once.
    expect(always.check({ text: "今日は", lang: "und" })).toBeInstanceOf(Promise);
    await always.check({ text: "今日は", lang: "und" });
    expect(always.check({ text: "今日は", lang: "und" })).toEqual({
      language: "ja",
      by: "detector",
    });
    expect(always.check({ text: "macet", lang: "en" })).toEqual({ language: "en", by: "tag" });
    expect(loads).toBe(1);
  });
});
