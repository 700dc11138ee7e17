// Synthetic training posts in the voice of ordinary people (docs/MODEL.md,
// "Generalisation"). The traffic corpus comes from a few official accounts, so
// without these the model learns the accounts' style rather than the topic.
// Written for this project; deliberately built from slot lists, not from the
// generalisation set, which stays an independent check.
import type { ModelLabel } from "@tweetream/shared";

/** A small deterministic PRNG (mulberry32), so the augmentation is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROADS = [
  "jl. sudirman",
  "jalan gatot subroto",
  "jl pahlawan",
  "jalan diponegoro",
  "jalan ahmad yani",
  "ringroad barat",
  "jalan raya bogor",
  "jl. veteran",
  "jalan merdeka",
  "jalan soekarno hatta",
  "jalan raya serpong",
  "jl. hayam wuruk",
  "jalan basuki rahmat",
  "jl raya darmo",
  "jalan asia afrika",
  "jalan raya kopo",
  "jl. pemuda",
  "jalan raya bekasi",
  "jalan raya puncak",
  "jl. siliwangi",
  "jalan raya cibinong",
  "jl. juanda",
  "jalan pantura",
  "jalur selatan",
  "tol cipali",
  "tol jagorawi",
  "tol cikampek",
  "tol trans jawa",
  "tol dalam kota",
  "tol padaleunyi",
  "tol surabaya gempol",
  "flyover kuningan",
  "underpass mampang",
  "jembatan suramadu",
  "bundaran waru",
  "simpang lima",
  "perempatan kentungan",
  "pertigaan condongcatur",
  "jalan kaliurang",
  "jalan godean",
  "jalan wates",
  "jalan parangtritis",
  "jalan solo",
];
const TRAFFIC_EVENTS = [
  "macet total",
  "macet parah",
  "padat merayap",
  "macet panjang",
  "tersendat",
  "gak gerak",
  "antrean mobil panjang",
  "kendaraan mengular",
  "ditutup sementara",
  "ditutup total",
  "ada kecelakaan",
  "ada tabrakan",
  "ada truk mogok",
  "ada bus mogok",
  "ada pohon tumbang",
  "banjir dan motor mogok",
  "tergenang air",
  "ada perbaikan jalan",
  "ada galian",
  "jalannya amblas",
  "lampu merahnya mati",
  "dialihkan",
  "buka tutup",
  "contraflow",
  "one way",
  "ramai lancar",
  "lancar",
  "sepi lancar",
  "padat",
  "macet karena demo",
  "macet gara gara pasar tumpah",
  "ada mobil terbakar",
  "ada motor jatuh",
  "jalannya berlubang",
  "ada longsor",
];
const OPENERS = [
  "",
  "",
  "",
  "duh",
  "astaga",
  "gila",
  "info dong",
  "guys",
  "hati hati ya",
  "buat yang mau lewat",
  "pagi pagi",
  "sore ini",
  "barusan lewat",
  "otw kerja",
  "pulang kantor",
  "lapor",
  "wah",
  "mohon info",
  "ada yang tau kenapa",
  "temen temen",
];
const CLOSERS = [
  "",
  "",
  "",
  "banget",
  "parah",
  "😩",
  "🙏",
  "sabar ya",
  "mending cari jalan lain",
  "telat deh",
  "udah sejam di sini",
  "hindari dulu",
  "hati hati",
  "mana panas lagi",
  "capek banget",
  "motor pada naik trotoar",
  "polisi udah di lokasi",
  "semoga cepet beres",
  "jam segini",
  "pas jam pulang kerja",
  "sampai km 20",
  "antre dari tadi",
  "gak maju maju",
];
const SUBJECTS = [
  "",
  "",
  "lalu lintas di",
  "arus kendaraan di",
  "kondisi",
  "jalanan",
  "jalur",
  "arah",
];

// Everyday posts that use traffic words figuratively or outside the road.
const FIGURATIVE_NON_TRAFFIC = [
  "ide lagi macet",
  "kerjaan lagi macet",
  "pembayaran macet",
  "cicilan macet",
  "obrolan macet",
  "kran air macet",
  "resleting tas macet",
  "mesin cuci macet",
  "aplikasi macet",
  "hp macet",
  "jadwal kuliah padat",
  "semoga acaranya lancar",
  "semoga persalinannya lancar",
  "semoga rezekinya lancar",
  "jalan jalan ke pantai",
  "jalan santai keliling kampung",
  "antre tiket konser",
  "antre beli makanan",
  "antre di kasir",
  "banjir pujian",
  "banjir diskon",
  "jalan hidup",
  "jalan keluar dari masalah",
  "lampu kamar mati",
  "ditutup akun",
  "tokonya tutup",
  "jalan jalan sore",
];
const NON_TRAFFIC_CONTEXT = [
  "",
  "",
  "duh",
  "aduh",
  "hari ini",
  "minggu ini",
  "kok",
  "astaga",
  "alhamdulillah",
  "semoga",
];
const NON_TRAFFIC_CLOSERS = [
  "",
  "",
  "banget",
  "deh",
  "wkwk",
  "😂",
  "😭",
  "sama temen",
  "di rumah",
  "bulan ini",
  "lagi",
  "capek",
  "sedih",
  "seneng banget",
];

function pick<T>(items: readonly T[], next: () => number): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new Error("empty slot list");
  return item;
}

function join(...parts: string[]): string {
  return parts.filter((part) => part !== "").join(" ");
}

/** `count` synthetic posts per label, the same for the same seed. */
export function augmentationPosts(
  count: number,
  seed: number,
): { text: string; label: ModelLabel }[] {
  const next = random(seed);
  const posts: { text: string; label: ModelLabel }[] = [];
  for (let i = 0; i < count; i++) {
    const text = join(
      pick(OPENERS, next),
      pick(SUBJECTS, next),
      pick(ROADS, next),
      pick(TRAFFIC_EVENTS, next),
      pick(CLOSERS, next),
    );
    posts.push({ text, label: "traffic" });
  }
  for (let i = 0; i < count; i++) {
    const text = join(
      pick(NON_TRAFFIC_CONTEXT, next),
      pick(FIGURATIVE_NON_TRAFFIC, next),
      pick(NON_TRAFFIC_CLOSERS, next),
    );
    posts.push({ text, label: "non_traffic" });
  }
  return posts;
}
