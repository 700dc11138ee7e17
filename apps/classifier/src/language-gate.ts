// Keeps posts in languages the model was not trained for away from it
// (docs/MODEL.md, "Languages"): labelling an English or Japanese post
// NON_TRAFFIC would be a guess dressed up as a result.
import type { LanguageGate } from "@tweetream/shared";

/** When to run language detection on a post whose source gave no usable language tag. */
export const DETECT_LANGUAGE_MODES = ["other-scripts", "always", "never"] as const;
export type DetectLanguageMode = (typeof DETECT_LANGUAGE_MODES)[number];

/** The part of eld's detector the gate uses. */
interface Detector {
  detect(text: string): { language: string; isReliable(): boolean };
}

/**
 * Tags that name no language: `und` (BCP 47), `zxx` (no linguistic content), and
 * X's own `qam` (mentions only), `qct` (cashtags), `qht` (hashtags), `qme` (media
 * links), `qst` (very short) and `art` (emoji or symbols only).
 */
const NO_LANGUAGE = new Set(["und", "zxx", "mis", "mul", "qam", "qct", "qht", "qme", "qst", "art"]);

/** Other spellings of the same language: X still says `in` for Indonesian; ISO 639-2/3 codes. */
const ALIASES: Readonly<Record<string, string>> = {
  in: "id",
  ind: "id",
  msa: "ms",
  may: "ms",
  zsm: "ms",
  zlm: "ms",
  jav: "jv",
  jw: "jv",
  sun: "su",
};

/** The language of a BCP 47 tag (its primary subtag, normalised), or undefined when it names none. */
export function tagLanguage(tag: string): string | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/, 1)[0] ?? "";
  if (!/^[a-z]{2,3}$/.test(primary) || NO_LANGUAGE.has(primary)) return undefined;
  return ALIASES[primary] ?? primary;
}

// Links, handles and hashtags name places, people and subjects, not a language
// (eld's own cleanup also takes e-mail addresses and codes with digits).
const NOT_WORDS = /(?:https?:\/\/|[@#])\S+/giu;
const LETTER = /\p{L}/gu;
const LATIN = /\p{Script=Latin}/gu;

/** True when most letters of `text` are in another script than Latin (in which the model's languages are written). */
export function mostlyOtherScript(text: string): boolean {
  const letters = text.match(LETTER)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  return letters > 0 && latin * 2 < letters;
}

export interface LanguageGateOptions {
  /** The languages the model was trained for (its metadata's `languages`), as tags. */
  languages: readonly string[];
  mode: DetectLanguageMode;
  /** Loads the detector the first time it is needed (default: eld's medium database, ~190 MiB). */
  loadDetector?: () => Promise<Detector>;
}

/** Decides, post by post, whether the model may label it. */
export interface PostLanguageGate {
  /**
   * The reason to keep the post from the model, or undefined when the model
   * may label it. Synchronous except while the detector is first loading, so
   * a batch costs no promise per post.
   */
  check(post: {
    text: string;
    lang: string;
  }): LanguageGate | undefined | Promise<LanguageGate | undefined>;
}

async function loadEld(): Promise<Detector> {
  const { eld } = await import("eld/medium");
  eld.enableTextCleanup(true);
  return eld;
}

/**
 * Builds the gate. A post with a language tag is gated when the tag names a
 * language outside `languages`. A post without one is gated when the detector
 * reliably places it outside `languages`: always (`always`), only when most of
 * its letters are not Latin (`other-scripts`, the default: detectors mistake
 * short Indonesian posts for Tagalog, Polish or English), or never (`never`).
 */
export function createLanguageGate({
  languages,
  mode,
  loadDetector = loadEld,
}: LanguageGateOptions): PostLanguageGate {
  const known = new Set(languages.map((tag) => tagLanguage(tag) ?? tag));
  const detector: { loading?: Promise<Detector>; loaded?: Detector } = {};
  const decide = (loaded: Detector, text: string): LanguageGate | undefined => {
    const result = loaded.detect(text);
    const detected = tagLanguage(result.language);
    if (detected === undefined || known.has(detected) || !result.isReliable()) return undefined;
    return { language: detected, by: "detector" };
  };
  return {
    check({ text, lang }) {
      const tagged = tagLanguage(lang);
      if (tagged !== undefined) {
        return known.has(tagged) ? undefined : { language: tagged, by: "tag" };
      }
      if (mode === "never") return undefined;
      const stripped = text.replace(NOT_WORDS, " ");
      if (mode === "other-scripts" && !mostlyOtherScript(stripped)) return undefined;
      if (detector.loaded) return decide(detector.loaded, stripped);
      detector.loading ??= loadDetector().then((loaded) => (detector.loaded = loaded));
      return detector.loading.then((loaded) => decide(loaded, stripped));
    },
  };
}
