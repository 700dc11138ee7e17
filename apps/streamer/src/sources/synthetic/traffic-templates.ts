// Traffic posts: reports in the style of official traffic accounts, and
// ordinary people's complaints and questions. Written for this project.
import type { Region } from "./places.ts";
import type { Rng } from "./random.ts";
import {
  clockTime,
  days,
  greetings,
  intens,
  maybeEmoji,
  negations,
  pals,
  shortUrl,
} from "./words.ts";

const flows = [
  "padat merayap",
  "ramai lancar",
  "lancar",
  "padat",
  "tersendat",
  "ramai padat",
  "macet",
  "relatif lancar",
  "cukup padat",
  "padat di beberapa titik",
  "lancar terkendali",
  "pdt merayap",
  "rmi lancar",
] as const;
const incidents = [
  "kecelakaan lalu lintas",
  "laka lantas",
  "kecelakaan beruntun",
  "truk mogok",
  "mobil mogok di lajur kanan",
  "truk terguling",
  "pohon tumbang",
  "genangan air",
  "perbaikan jalan",
  "pengecoran jalan",
  "kendaraan terbakar",
  "bus mogok",
  "tabrakan motor dan mobil",
  "pengaspalan ulang",
] as const;
const causes = [
  "volume kendaraan tinggi",
  "kecelakaan",
  "perbaikan jalan",
  "banjir",
  "kendaraan mogok",
  "penyempitan jalan",
  "antrean keluar tol",
  "pasar tumpah",
  "jam pulang kantor",
  "arus balik libur panjang",
] as const;
const events = [
  "car free day",
  "kegiatan karnaval",
  "upacara HUT kota",
  "pembangunan saluran air",
  "lomba lari",
  "pengamanan kunjungan pejabat",
  "pawai budaya",
] as const;
const depths = [
  "lutut",
  "mata kaki",
  "betis",
  "20 cm",
  "30-40 cm",
  "setengah ban mobil",
  "paha orang dewasa",
] as const;
const complaints = [
  "macet",
  "macet total",
  "padet",
  "gak gerak",
  "merayap",
  "stuck",
  "macet cet",
  "crowded",
  "ngantri",
] as const;
const durations = [
  "sejam",
  "setengah jam",
  "dua jam",
  "45 menit",
  "dari tadi",
  "hampir 2 jam",
  "20 menit",
  "sejam lebih",
  "1,5 jam",
] as const;
const modes = ["krl", "busway", "kereta", "motor", "ojol", "MRT", "angkot"] as const;
const lateFor = ["ngantor", "ngampus", "kuliah", "meeting", "jemput anak", "absen"] as const;
const relativeTimes = [
  "pagi ini",
  "sore ini",
  "malam ini",
  "siang ini",
  "saat ini",
  "barusan",
  "hari ini",
] as const;

function timeRef(r: Rng, g: Region): string {
  switch (r.int(0, 3)) {
    case 0:
      return `pukul ${clockTime(r)}`;
    case 1:
      return `${clockTime(r)} ${g.tz}`;
    case 2:
      return `pkl ${clockTime(r)}`;
    default:
      return r.pick(relativeTimes);
  }
}

function direction(r: Rng, g: Region): string {
  switch (r.int(0, 5)) {
    case 0:
      return "kedua arah";
    case 1:
      return "dari semua arah";
    case 2:
      return `dari arah ${r.pick(g.towards)}`;
    default:
      return `arah ${r.pick(g.towards)}`;
  }
}

function place(r: Rng, g: Region): string {
  switch (r.int(0, 2)) {
    case 0:
      return r.pick(g.roads);
    case 1:
      return r.pick(g.spots);
    default:
      return r.pick(g.tolls);
  }
}

/** The handle of one of the region's (made-up) traffic information accounts. */
export function officialHandle(r: Rng, g: Region): string {
  return `${r.pick(["infolalin_", "tmc_", "atcs_", "lantas_", "rtmc_"])}${g.short}`;
}

function tag(r: Rng, g: Region): string {
  switch (r.int(0, 5)) {
    case 0:
      return ` #lalin${g.short}`;
    case 1:
      return " #infolalin";
    case 2:
      return ` #lalin${g.city.replace(/\s/g, "")}`;
    case 3:
      return ` #infolalin #${g.short}`;
    default:
      return "";
  }
}

function link(r: Rng): string {
  return r.chance(0.3) ? ` ${shortUrl(r)}` : "";
}

/** A traffic template: renders one post about `g`. */
export type TrafficTemplate = (r: Rng, g: Region) => string;

/** Posts in the voice of traffic information accounts. */
export const officialTemplates: readonly TrafficTemplate[] = [
  (r, g) =>
    `[${clockTime(r)} ${g.tz}] Lalin di ${r.pick(g.spots)} ${r.pick(flows)} ${direction(r, g)}${tag(r, g)}`,
  (r, g) =>
    `${clockTime(r)} ${g.tz} kondisi lalin ${r.pick(g.spots)} dan ${r.pick(g.spots)} terpantau ${r.pick(flows)} ${direction(r, g)}.${link(r)}${tag(r, g)}`,
  (r, g) =>
    `Info lalin ${timeRef(r, g)}: ${r.pick(incidents)} di ${r.pick(g.roads)} ${direction(r, g)}, arus ${r.pick(flows)}. Pengendara dihimbau mencari jalur alternatif.${tag(r, g)}`,
  (r, g) =>
    `#InfoLalin ${place(r, g)} ${direction(r, g)} ${r.pick(flows)} akibat ${r.pick(causes)}. Tetap hati-hati dan jaga jarak ya Sobat ${g.city}`,
  (r, g) =>
    `Update ${clockTime(r)} ${g.tz}: contraflow diberlakukan di ${r.pick(g.tolls)} KM ${r.int(1, 80)} ${direction(r, g)} untuk mengurai kepadatan.${tag(r, g)}`,
  (r, g) =>
    `Antrean kendaraan di ${r.pick(g.gates)} ± ${r.int(1, 9)} km ${timeRef(r, g)}. Siapkan saldo uang elektronik sebelum masuk tol.${tag(r, g)}`,
  (r, g) =>
    `@${handleLike(r)} Selamat ${r.pick(greetings)}, dari pantauan CCTV ${r.pick(g.spots)} arus lalin ${r.pick(flows)} ${direction(r, g)}. Terima kasih`,
  (r, g) =>
    `Waspada banjir setinggi ${r.pick(depths)} di ${r.pick(g.roads)} ${direction(r, g)}. Kendaraan kecil disarankan memutar lewat ${r.pick(g.roads)}.${tag(r, g)}`,
  (r, g) =>
    `Penutupan ${r.pick(g.roads)} mulai pukul ${r.pad2(5, 12)}.00 s.d. ${r.pad2(13, 22)}.00 ${g.tz} terkait ${r.pick(events)}. Arus dialihkan ke ${r.pick(g.roads)}.${tag(r, g)}`,
  (r, g) =>
    `Arus ${r.pick(["mudik", "balik"])} di ${r.pick(g.tolls)} terpantau ${r.pick(flows)}, volume kendaraan naik ${r.int(10, 60)}% dibanding hari biasa.${link(r)}${tag(r, g)}`,
  (r, g) =>
    `Perbaikan jalan di ${r.pick(g.tolls)} KM ${r.int(1, 120)}+${r.int(100, 900)} ${direction(r, g)}, ${r.int(1, 2)} lajur ditutup sementara. Harap kurangi kecepatan.${tag(r, g)}`,
  (r, g) =>
    `Pantauan ${clockTime(r)}: ${r.pick(g.roads)} ${direction(r, g)} ${r.pick(flows)}, ${r.pick(g.spots)} ${r.pick(flows)}.${link(r)}${tag(r, g)}`,
  (r, g) =>
    `Pemberlakuan ${r.pick(["one way", "ganjil genap", "contraflow", "rekayasa lalu lintas"])} di ${place(r, g)} ${timeRef(r, g)}. Cek rute sebelum berangkat.${tag(r, g)}`,
  (r, g) =>
    `Telah terjadi ${r.pick(incidents)} di ${r.pick(g.roads)} dekat ${r.pick(g.spots)} ${timeRef(r, g)}. Petugas sudah di lokasi, arus ${r.pick(flows)}.${tag(r, g)}`,
];

/** Ordinary people's traffic complaints, questions and relief. */
export const peopleTemplates: readonly TrafficTemplate[] = [
  (r, g) =>
    `duh macet ${intens(r)} di ${place(r, g)}, udah ${r.pick(durations)} ${r.pick(negations)} gerak${maybeEmoji(r)}`,
  (r, g) =>
    `${place(r, g)} ${direction(r, g)} ${r.pick(complaints)} ${intens(r)}. ada apa sih di depan?${maybeEmoji(r)}`,
  (r, g) => `kenapa tiap ${r.pick(days)} ${place(r, g)} selalu macet sih${maybeEmoji(r, 0.8)}`,
  (r, g) =>
    `ada info lalin ${place(r, g)}? ${r.pick(["lancar", "macet", "padat", "banjir"])} ${r.pick(negations)} ya? mau ke ${r.pick(g.towards)} nih @${officialHandle(r, g)}`,
  (r, g) =>
    `@${officialHandle(r, g)} min, ${r.pick(g.roads)} ${direction(r, g)} macet total dari jam ${clockTime(r)}, ada kecelakaan kah?`,
  (r, g) =>
    `banjir lagi di ${r.pick(g.roads)}, setinggi ${r.pick(depths)}. motor pada mogok${maybeEmoji(r, 0.7)}`,
  (r, g) =>
    `hati2 yg lewat ${r.pick(g.spots)}, ada ${r.pick(incidents)}, antre panjang ${intens(r)}${maybeEmoji(r)}`,
  (r, g) =>
    `${r.pick(g.tolls)} ${direction(r, g)} mulai padat, mending lewat ${r.pick(g.roads)} aja ${r.pick(pals)}`,
  (r, g) =>
    `kejebak macet di ${r.pick(g.spots)} udah ${r.pick(durations)}. telat ${r.pick(lateFor)} lagi deh${maybeEmoji(r, 0.7)}`,
  (r, g) =>
    `alhamdulillah ${place(r, g)} ${r.pick(relativeTimes)} lancar jaya, tumben${maybeEmoji(r)}`,
  (r, g) =>
    `antrean di ${r.pick(g.gates)} panjang ${intens(r)}, saldo e-toll abis pula${maybeEmoji(r, 0.7)}`,
  (r, g) =>
    `jalanan ${g.city} ${r.pick(relativeTimes)} ${r.pick(complaints)} ${intens(r)}, nyesel ${r.pick(negations)} naik ${r.pick(modes)}`,
  (r, g) =>
    `${place(r, g)} lagi ada perbaikan jalan, cuma satu lajur yg dibuka. siap2 antre ya ${r.pick(pals)}`,
  (r, g) =>
    `otw ${r.pick(g.towards)} lewat ${r.pick(g.tolls)}, kata maps merah semua${maybeEmoji(r, 0.8)}`,
  (r, g) =>
    `${r.pick(["pulang kerja", "berangkat kerja", "jemput pacar", "pulang kampus"])} lewat ${place(r, g)} ${r.pick(complaints)} ${intens(r)}, ${r.pick(durations)} baru maju 1 km${maybeEmoji(r)}`,
];

function handleLike(r: Rng): string {
  return `${r.pick(["warga", "pengendara", "sobat", "mas", "mbak"])}_${r.int(1, 9999)}`;
}
