import { ind } from "stopword";

/**
 * Words of the Indonesian stopword list that are kept because they describe
 * where and how traffic moves ("antre panjang", "arus balik", "menuju bandara").
 */
const KEPT = new Set([
  "panjang",
  "jauh",
  "naik",
  "keluar",
  "lewat",
  "dilalui",
  "melalui",
  "menuju",
  "sepanjang",
  "dekat",
  "depan",
  "belakang",
  "tengah",
  "balik",
]);

/**
 * Words dropped on top of the list. The random (non-traffic) corpus was streamed
 * with the track words aku, mending, gak, nggak, ngga, oke, tapi, tidak, so every
 * one of its posts holds one of them: kept, they would teach the model that a
 * negation or "aku" means "not traffic" ("jalan tidak bisa dilewati" is traffic).
 * The chat particles and pronouns go for the same reason: they mark who writes,
 * not what about.
 */
const ADDED = [
  "mending",
  "oke",
  "ok",
  "okay",
  "gue",
  "gua",
  "gw",
  "lo",
  "lu",
  "loe",
  "elo",
  "ya",
  "yah",
  "sih",
  "deh",
  "nih",
  "tuh",
  "nya",
  "si",
  "mah",
  "kak",
];

/**
 * Indonesian stopwords dropped by the preprocessing: the `ind` list of the
 * `stopword` npm package, less {@link KEPT}, plus {@link ADDED}.
 */
export const STOPWORDS: ReadonlySet<string> = new Set([
  ...ind.filter((word) => !KEPT.has(word)),
  ...ADDED,
]);
