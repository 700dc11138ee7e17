// Everyday non-traffic chatter: food, football, school, weather, work,
// feelings, promos, plus a few posts that use traffic words in another sense
// ("otak lagi macet"), so a classifier cannot rely on single keywords.
// Written for this project.
import { regions } from "./places.ts";
import type { Rng } from "./random.ts";
import {
  clockTime,
  days,
  emojis,
  greetings,
  intens,
  maybeEmoji,
  negations,
  pals,
  shortUrl,
} from "./words.ts";

const foods = [
  "bakso",
  "mie ayam",
  "nasi goreng",
  "seblak",
  "martabak manis",
  "sate ayam",
  "gudeg",
  "rawon",
  "soto betawi",
  "pempek",
  "ayam geprek",
  "indomie rebus",
  "batagor",
  "nasi padang",
  "cilok",
  "es teh",
  "kopi susu",
  "boba",
] as const;
const foodPlaces = [
  "deket kos",
  "depan kampus",
  "langganan",
  "pinggir jalan",
  "di mall",
  "yg viral itu",
  "abang-abang gerobak",
] as const;
const excuses = [
  "lagi diet",
  "duit tinggal goceng",
  "mager keluar",
  "ujan",
  "tanggal tua",
  "udah malem",
];
const teams = [
  "Persib",
  "Persija",
  "PSIS",
  "PSS Sleman",
  "Persebaya",
  "Arema",
  "Bali United",
  "PSM",
  "timnas",
  "Madura United",
] as const;
const subjects = [
  "kalkulus",
  "statistik",
  "fisika",
  "bahasa inggris",
  "akuntansi",
  "basis data",
  "sejarah",
  "kimia",
] as const;
const moods = [
  "gabut",
  "capek",
  "bahagia",
  "baper",
  "ngantuk",
  "laper",
  "bosen",
  "overthinking",
] as const;
const reminders = [
  "minum air putih",
  "sarapan",
  "bersyukur",
  "istirahat",
  "sholat",
  "senyum",
] as const;
const items = [
  "hp",
  "headset",
  "voucher belanja",
  "tumbler",
  "saldo e-wallet",
  "tiket konser",
] as const;
const english = [
  "good morning everyone",
  "can't wait for the weekend",
  "coffee first, everything else later",
  "what a match tonight",
  "need a vacation asap",
  "monday again, send help",
  "just finished my assignment finally",
  "this song is stuck in my head",
] as const;

function city(r: Rng): string {
  return r.pick(regions).city;
}

/** A chatter template: renders one non-traffic post. */
export type ChatterTemplate = (r: Rng) => string;

/** Non-traffic posts in Indonesian. */
export const chatterTemplates: readonly ChatterTemplate[] = [
  (r) =>
    `${r.pick(foods)} ${r.pick(foodPlaces)} enak ${intens(r)}, wajib coba${maybeEmoji(r, 0.7)}`,
  (r) => `lagi pengen ${r.pick(foods)} tapi ${r.pick(excuses)}${maybeEmoji(r, 0.8)}`,
  (r) => `siapa yg mau nitip ${r.pick(foods)}? aku mau keluar ${r.pick(foodPlaces)}`,
  (r) => `${r.pick(foods)} + ${r.pick(foods)} = mood booster${maybeEmoji(r, 0.8)}`,
  (r) => {
    const team = r.pick(teams);
    return `${team} menang ${r.int(1, 5)}-${r.int(0, 2)} lawan ${r.pick(teams)}!${maybeEmoji(r, 0.9)} #${team.replace(/\s/g, "")}Day`;
  },
  (r) =>
    `semalem nonton ${r.pick(teams)} vs ${r.pick(teams)} ${r.pick(negations)}? ${r.pick(["wasitnya aneh", "seru parah", "ngantuk liatnya", "gol telatnya gila"])}`,
  (r) =>
    `kalo ${r.pick(teams)} kalah lagi aku ${r.pick(negations)} mau nonton bola dulu${maybeEmoji(r)}`,
  (r) =>
    `besok ujian ${r.pick(subjects)} ${r.pick(negations)} belajar sama sekali${maybeEmoji(r, 0.8)}`,
  (r) =>
    `tugas ${r.pick(subjects)} numpuk ${intens(r)}, deadline hari ${r.pick(days)}${maybeEmoji(r)}`,
  (r) =>
    `dosen ${r.pick(subjects)} hari ini ngasih kuis dadakan, ${r.pick(["auto remed", "pasrah aja", "blank total"])}${maybeEmoji(r)}`,
  (r) => `panas ${intens(r)} hari ini di ${city(r)}${maybeEmoji(r, 0.8)}`,
  (r) => `hujan terus dari ${r.pick(greetings)}, mager ${intens(r)} mau keluar${maybeEmoji(r)}`,
  (r) => `${r.pick(days)} lagi, semangat kerja ${r.pick(pals)}!${maybeEmoji(r)}`,
  (r) => `lembur lagi sampe jam ${r.int(8, 11)} malem, gajian masih lama${maybeEmoji(r, 0.8)}`,
  (r) =>
    `meeting ${r.int(2, 4)} jam cuma buat bahas ${r.pick(["font slide", "warna logo", "jadwal meeting berikutnya", "nama grup wa"])}${maybeEmoji(r, 0.8)}`,
  (r) => `aku tuh ${r.pick(negations)} ngerti lagi sama kamu${maybeEmoji(r, 0.7)}`,
  (r) => `mending tidur aja deh, besok ${r.pick(days)}${maybeEmoji(r)}`,
  (r) => `oke fix mulai ${r.pick(days)} diet. ${r.pick(foods)} terakhir${maybeEmoji(r, 0.8)}`,
  (r) => `lagi ${r.pick(moods)} ${intens(r)}, ada yg mau nemenin ngobrol?${maybeEmoji(r)}`,
  (r) =>
    `selamat ${r.pick(greetings)} semuanya, jangan lupa ${r.pick(reminders)} ya${maybeEmoji(r)}`,
  (r) => `otak lagi macet, skripsi ${r.pick(negations)} maju-maju${maybeEmoji(r, 0.8)}`,
  (r) => `sinyal di ${city(r)} lemot ${intens(r)}, mau upload story aja susah`,
  (r) => `jalan-jalan ke ${city(r)} weekend ini, ada rekomendasi ${r.pick(foods)} enak?`,
  (r) =>
    `jalan kaki dari ${r.pick(["kos", "rumah", "stasiun", "halte", "parkiran"])} ke ${r.pick(["kampus", "kantor", "sekolah", "pasar", "masjid"])} ternyata jauh juga ya${maybeEmoji(r)}`,
  (r) => `PROMO ${r.pick(foods)} diskon ${r.int(2, 7)}0% cuma hari ini! cek ${shortUrl(r)}`,
  (r) =>
    `giveaway ${r.pick(items)} 🎁 follow + RT, diumumin hari ${r.pick(days)} jam ${clockTime(r)}`,
  (r) =>
    `wkwkwk ${r.pick(["sumpah", "asli", "anjir", "astaga"])} ${r.pick(["ngakak", "lucu", "receh"])} ${intens(r)} liat ini${maybeEmoji(r, 0.9)}`,
  (r) =>
    `kangen ${r.pick(["rumah", "masakan ibu", "temen SMA", "kampung halaman"])} ${intens(r)}${maybeEmoji(r, 0.8)}`,
];

/** Non-traffic posts in English (tagged lang "en"). */
export const englishTemplates: readonly ChatterTemplate[] = [
  (r) => `${r.pick(english)}${maybeEmoji(r, 0.7)}`,
  (r) => `${r.pick(english)} ${r.pick(emojis)} #${r.pick(["mood", "life", "weekend", "random"])}`,
];

/** Emoji- or laughter-only posts (tagged lang "und"). */
export const undeterminedTemplates: readonly ChatterTemplate[] = [
  (r) => `${r.pick(emojis)}${r.pick(emojis)}${r.pick(emojis)}`,
  (r) => `${r.pick(["wkwkwk", "hahaha", "awokwok", "xixixi"])}${"k".repeat(r.int(0, 6))}`,
];

const openers = [
  "",
  "",
  "",
  "",
  "duh ",
  "asli ",
  "jujur ",
  "btw ",
  "fix ",
  "hmm ",
  "yaampun ",
  "gila, ",
];
const tails = [
  "",
  "",
  "",
  "",
  " wkwk",
  " sih",
  " deh",
  " huhu",
  " hadeh",
  " #curhat",
  " #random",
  " #gabut",
  " lol",
  " 🤣",
  " ...",
] as const;

/** Adds an everyday opener and tail ("duh …", "… wkwk") so short posts rarely repeat. */
export function casualize(r: Rng, text: string): string {
  return `${r.pick(openers)}${text}${r.pick(tails)}`;
}
