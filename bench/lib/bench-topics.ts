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
