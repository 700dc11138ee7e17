// The topics every scenario creates. Their rules were chosen so that nearly
// every synthetic post matches at least one, and many match several (a post
// is delivered to each topic it matches), as on a busy deployment.

/** A topic the harness creates: slug and rule. */
export interface BenchTopic {
  slug: string;
  rule: string;
}

export const BENCH_TOPICS: readonly BenchTopic[] = [
  {
    slug: "lalu-lintas",
    rule: "macet OR padat OR lancar OR arus OR lalin OR infolalin OR tol OR jl OR jalan OR simpang OR arah OR kendaraan OR banjir",
  },
  {
    slug: "keseharian",
    rule: "di OR lagi OR ini OR ya OR mau OR sih OR rt OR mulai OR besok OR mood OR tugas OR kangen OR menang OR semalem OR meeting OR enak OR barusan",
  },
  { slug: "perjalanan", rule: "lewat OR dari OR ke OR hari OR jam OR km OR wib OR mulai" },
  {
    slug: "obrolan",
    rule: "deh OR duh OR fix OR gila OR btw OR yaampun OR jujur OR asli OR hmm OR aja OR lol OR wkwk OR weekend OR coffee OR good OR my OR monday OR a",
  },
];

/**
 * Narrow topics for the fan-out scenario and the soak, as a dashboard user
 * follows them: one word each, which 2–4% of synthetic posts contain (measured
 * over 20,000 generated posts), so a subscriber gets about 3 of every 100
 * posts. On BENCH_TOPICS each subscriber gets about 62 of 100, so 10,000 of
 * them would need 620,000 WebSocket frames/s at 100 posts/s: more than two
 * cores can send and receive, whatever the server (docs/BENCHMARKS.md).
 */
export const NARROW_TOPICS: readonly BenchTopic[] = [
  "banjir",
  "parah",
  "keluar",
  "perbaikan",
  "lajur",
  "saldo",
  "selamat",
  "panjang",
  "terpantau",
  "nonton",
  "bundaran",
  "enak",
  "besok",
  "naik",
  "hati",
  "layang",
  "kecelakaan",
  "merayap",
  "mogok",
  "contraflow",
].map((word) => ({ slug: word, rule: word }));

/** The topic sets a fan-out run can use (`--fanout-topics`). */
export const TOPIC_SETS = { narrow: NARROW_TOPICS, broad: BENCH_TOPICS } as const;
export type TopicSetName = keyof typeof TOPIC_SETS;
