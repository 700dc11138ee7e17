import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";
import { ABBREVIATIONS } from "./abbreviations.ts";
import { STOPWORDS } from "./stopwords.ts";

/**
 * Version of the preprocessing. The model is trained on its output, so bump it on
 * ANY change to the steps or the tables and retrain (docs/MODEL.md).
 */
export const PREPROCESSING_VERSION = "1";

// Loaded once per process; an empty pipe makes wink-nlp only tokenize, which is
// all that is needed here and several times faster than its full pipeline.
const nlp = winkNLP(model, []);

// Twitter escapes only these three characters in post text.
const HTML_ENTITIES: Readonly<Record<string, string>> = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };
const HTML_ENTITY = /&(?:amp|lt|gt);/g;
// Case-sensitive on purpose: lowercase "rt" is the neighbourhood unit (rukun tetangga).
const RETWEET_MARKER = /\bRT\b/g;
const URL = /\b(?:https?:\/\/|www\.|pic\.twitter\.com\/)\S*/g;
const HASHTAG_OR_MENTION = /[#@][\p{L}\p{N}_]+/gu;
const NON_ALPHANUMERIC = /[^\p{L}\p{N}]+/gu;
// "macettt" -> "macet": letters repeated three or more times are emphasis.
const REPEATED_LETTER = /(\p{L})\1{2,}/gu;
// "hati2" -> "hati": a trailing 2 after a word marks reduplication ("hati-hati").
const REDUPLICATION = /^(\p{L}{2,})2$/u;
// Stray single letters ("l", "d") carry no meaning once punctuation is gone.
const SINGLE_LETTER = /^\p{L}$/u;

/**
 * Cleans a post into the model's tokens: removes `RT`, lowercases, strips URLs,
 * hashtags and mentions, turns everything but letters and digits into spaces,
 * tokenizes with wink-nlp, expands abbreviations and drops Indonesian stopwords.
 */
export function tokenize(text: string): string[] {
  const cleaned = text
    .replace(HTML_ENTITY, (entity) => HTML_ENTITIES[entity] ?? entity)
    .replace(RETWEET_MARKER, " ")
    .toLowerCase()
    .replace(URL, " ")
    .replace(HASHTAG_OR_MENTION, " ")
    .replace(NON_ALPHANUMERIC, " ")
    .replace(REPEATED_LETTER, "$1")
    .trim();
  if (cleaned === "") return [];
  const tokens: string[] = [];
  for (const raw of nlp.readDoc(cleaned).tokens().out()) {
    const token = raw.replace(REDUPLICATION, "$1");
    const expansion = ABBREVIATIONS.get(token);
    for (const word of expansion === undefined ? [token] : expansion.split(" ")) {
      if (!STOPWORDS.has(word) && !SINGLE_LETTER.test(word)) tokens.push(word);
    }
  }
  return tokens;
}

/**
 * The cleaned text of a post: {@link tokenize}'s tokens joined by single spaces
 * (`PreprocessedPost.cleanText` and the model's input); "" when nothing is left.
 */
export function preprocess(text: string): string {
  return tokenize(text).join(" ");
}
