// Small word lists shared by the traffic and chatter templates (written for this project).
import type { Rng } from "./random.ts";

export const emojis = [
  "😤",
  "😭",
  "🙄",
  "😩",
  "😡",
  "🤦",
  "😅",
  "🙏",
  "😂",
  "🔥",
  "👍",
  "😴",
  "🤣",
  "❤️",
  "😊",
  "🥲",
  "😎",
  "🤔",
  "✨",
  "💪",
] as const;
export const intensifiers = [
  "banget",
  "bgt",
  "parah",
  "bener",
  "pol",
  "bangettt",
  "sekali",
] as const;
export const negations = ["gak", "nggak", "ga", "ngga", "enggak", "tdk"] as const;
export const days = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"] as const;
export const greetings = ["pagi", "siang", "sore", "malam"] as const;
export const pals = ["guys", "gengs", "gaes", "lur", "bestie", "gan", "kawan"] as const;
export const firstNames = [
  "budi",
  "sari",
  "dimas",
  "ayu",
  "rizky",
  "putri",
  "agus",
  "dewi",
  "fajar",
  "nadia",
  "bayu",
  "intan",
  "yoga",
  "rina",
  "andre",
  "tika",
  "hendra",
  "lia",
  "arif",
  "wulan",
  "eko",
  "citra",
  "gilang",
  "mega",
  "reza",
  "dinda",
  "taufik",
  "nisa",
  "bima",
  "fitri",
] as const;
export const nameParts = [
  "",
  "_",
  "x",
  "ku",
  "99",
  "id",
  "_official",
  "nya",
  "pratama",
  "saputra",
  "lestari",
  "wijaya",
  "kurnia",
  "sby",
  "jkt",
  "jogja",
  "rahma",
  "hidayat",
  "setiawan",
  "pangestu",
] as const;

/** A clock time such as "07.15" (or "07:15"), between 05.00 and 23.59. */
export function clockTime(r: Rng): string {
  return `${r.pad2(5, 23)}${r.chance(0.8) ? "." : ":"}${r.pad2(0, 59)}`;
}

/** "banget", "bgt", … */
export function intens(r: Rng): string {
  return r.pick(intensifiers);
}

/** " 😤" or "" (a trailing emoji, sometimes doubled). */
export function maybeEmoji(r: Rng, p = 0.5): string {
  if (!r.chance(p)) return "";
  const emoji = r.pick(emojis);
  return r.chance(0.25) ? ` ${emoji}${emoji}` : ` ${emoji}`;
}

const urlAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A shortened link such as "https://t.co/Ab3dE9kLmQ". */
export function shortUrl(r: Rng): string {
  let code = "";
  for (let i = 0; i < 10; i++) code += urlAlphabet.charAt(r.int(0, urlAlphabet.length - 1));
  return `https://t.co/${code}`;
}

/** A made-up user handle; the same index always gives the same handle. */
export function handleOf(index: number): string {
  const first = firstNames[index % firstNames.length] ?? "user";
  const part = nameParts[Math.floor(index / firstNames.length) % nameParts.length] ?? "";
  const suffix = Math.floor(index / (firstNames.length * nameParts.length));
  return suffix === 0 ? `${first}${part}` : `${first}${part}${suffix}`;
}
