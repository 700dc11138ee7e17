// What the docs say about the steps of a scenario: one spread per figure over
// a step's runs, the run to explain, and a generated line on what limited it.
import { num } from "./doc-format.ts";
import type { Step } from "./results.ts";
import { cpuUsPerFrame, framesPerSecond, spread } from "./step-figures.ts";

/** The runs of a step as one spread per figure the docs report (`server`: its process name). */
export function runFigures(steps: readonly Step[], server: string) {
  const of = (f: (s: Step) => number | null | undefined) => spread(steps.map(f));
  return {
    p50: of((s) => s.latencyMs.p50),
    p95: of((s) => s.latencyMs.p95),
    p99: of((s) => s.latencyMs.p99),
    max: of((s) => s.latencyMs.max),
    warmupP99: of((s) => s.warmupLatencyMs?.p99),
    deliveries: of((s) => s.latencyMs.count),
    missing: of((s) => s.missing),
    rss: of((s) => s.processes[server]?.rssMaxBytes),
    loopP99: of((s) => s.processes[server]?.eventLoopP99MaxMs),
    cores: of((s) => s.processes[server]?.cpuCores),
    cpuPerFrame: of((s) => cpuUsPerFrame(s, server)),
    framesPerSecond: of((s) => framesPerSecond(s)),
    hopP99: (stage: string) => of((s) => s.hopsMs?.[stage]?.p99),
  };
}

/** The run of `steps` with the highest p99 (the one whose limits the docs explain). */
export function worstRun(steps: readonly Step[]): Step | undefined {
  return steps.reduce<Step | undefined>(
    (worst, s) => (worst === undefined || s.latencyMs.p99 > worst.latencyMs.p99 ? s : worst),
    undefined,
  );
}

/** Of groups of runs (one step length each), the runs of the longest step length. */
export function longestRuns<T extends Step>(groups: readonly T[][]): T[] | undefined {
  return [...groups].sort((a, b) => (b[0]?.durationS ?? 0) - (a[0]?.durationS ?? 0))[0];
}

/** CPU (cores) of the processes a step sampled, the whole machine left out. */
export function measuredCores(step: Step): number {
  return Object.entries(step.processes)
    .filter(([name]) => name !== "machine")
    .reduce((sum, [, p]) => sum + p.cpuCores, 0);
}

/** The CPU use of each process during a step, busiest first. */
function cpuLine(step: Step): string {
  return Object.entries(step.processes)
    .filter(([name]) => name !== "machine")
    .sort((a, b) => b[1].cpuCores - a[1].cpuCores)
    .map(([name, p]) => `${name} ${num(p.cpuCores, 2)}`)
    .join(", ");
}

/** Generated explanation of what limited a step, from its measurements (`cores`: the machine's). */
export function limitOf(step: Step, cores: number): string {
  const why: string[] = [];
  if (step.missing > 0) {
    const drops = step.slowSubscriberDrops;
    why.push(
      `${num(step.missing)} deliveries missing after the drain time${drops === null ? "" : ` (the web process ended ${num(drops)} subscriptions that fell behind its history, \`tweetream_web_subscriber_too_slow_total\`)`}`,
    );
  }
  if (step.consumerLagSeconds >= 2) why.push(`classifier lag ${num(step.consumerLagSeconds, 2)} s`);
  if (step.achievedRate < 0.95 * step.targetRate) {
    why.push(`the source reached only ${num(step.achievedRate)} posts/s (Kafka back-pressure)`);
  }
  const procs = Object.entries(step.processes)
    .filter(([name]) => name !== "machine")
    .sort((a, b) => b[1].cpuCores - a[1].cpuCores);
  const total = measuredCores(step);
  const busiest = procs[0];
  const saturated = procs.filter(([, p]) => p.cpuCores >= 0.85).map(([n]) => n);
  const cpu =
    `CPU in cores: ${cpuLine(step)} (total ${num(total, 2)} of ${cores})` +
    (saturated.length
      ? `; ${saturated.join(", ")} ${saturated.length > 1 ? "were" : "was"} at about one full core (a Node.js process runs its JavaScript on one thread)`
      : "") +
    (total >= cores * 0.85 ? "; the machine's cores were used up" : "") +
    (busiest ? `; busiest: ${busiest[0]}` : "");
  const machine = step.processes.machine?.cpuCores;
  const others =
    machine !== undefined
      ? ` The whole machine was busy ${num(machine, 2)} of ${cores} cores on average, so other work took about ${num(Math.max(0, machine - total), 2)} cores` +
        (machine >= cores * 0.9 ? ": the processes under test were waiting for CPU." : ".")
      : "";
  return `${why.length ? `${why.join("; ")}. ` : ""}${cpu}.${others}`;
}
