// Samples CPU and memory of the processes under test (from /proc) and the
// event-loop lag and consumer lag they report on /metrics, once a second.
import { machineCpu, procStats } from "./proc-stats.ts";
import { scrape, sumOf } from "./prometheus.ts";

/** A process to watch: its pid and, if it serves one, its /metrics port. */
export interface Watched {
  name: string;
  pid: number;
  metricsPort?: number;
}

/** What one process did during a sampled interval. */
export interface ProcessFigures {
  /** Mean CPU use over the interval, in cores (1 = one core busy). */
  cpuCores: number;
  /** CPU time (user + system) it used over the interval, in seconds. */
  cpuSeconds: number;
  rssMaxBytes: number;
  rssEndBytes: number;
  /** Highest p99 event-loop delay seen between two scrapes (prom-client resets it each scrape). */
  eventLoopP99MaxMs?: number;
  eventLoopP99MeanMs?: number;
  /** Highest `tweetream_consumer_lag` total (records) it reported. */
  consumerLagMax?: number;
}

interface Track {
  startCpu: number;
  lastCpu: number;
  rssMax: number;
  rssEnd: number;
  loop: number[];
  lagMax: number | undefined;
}

/** Starts sampling; `stop()` returns the figures per process name. */
export function startSampler(watched: readonly Watched[], intervalMs = 1000) {
  const started = Date.now();
  const machineStart = machineCpu();
  const tracks = new Map<string, Track>();
  for (const w of watched) {
    const s = procStats(w.pid);
    tracks.set(w.name, {
      startCpu: s?.cpuSeconds ?? 0,
      lastCpu: s?.cpuSeconds ?? 0,
      rssMax: s?.rssBytes ?? 0,
      rssEnd: s?.rssBytes ?? 0,
      loop: [],
      lagMax: undefined,
    });
  }
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      await Promise.all(
        watched.map(async (w) => {
          const track = tracks.get(w.name);
          if (!track) return;
          const s = procStats(w.pid);
          if (s) {
            track.lastCpu = s.cpuSeconds;
            track.rssMax = Math.max(track.rssMax, s.rssBytes);
            track.rssEnd = s.rssBytes;
          }
          if (w.metricsPort === undefined) return;
          const samples = await scrape(w.metricsPort);
          if (!samples) return;
          const loop = samples.find((m) => m.name === "tweetream_nodejs_eventloop_lag_p99_seconds");
          if (loop && Number.isFinite(loop.value)) track.loop.push(loop.value * 1000);
          if (samples.some((m) => m.name === "tweetream_consumer_lag")) {
            const lag = sumOf(samples, "tweetream_consumer_lag");
            track.lagMax = Math.max(track.lagMax ?? 0, lag);
          }
        }),
      );
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sample(), intervalMs);
  return {
    /** Takes a last sample and returns the figures. */
    async stop(): Promise<Record<string, ProcessFigures> & { machine?: ProcessFigures }> {
      clearInterval(timer);
      await sample();
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      const out: Record<string, ProcessFigures> = {};
      const machineEnd = machineCpu();
      if (machineStart && machineEnd) {
        // Every process of the machine, ours and others': busy cores on average.
        out.machine = {
          cpuCores: round((machineEnd.busy - machineStart.busy) / seconds, 3),
          cpuSeconds: round(machineEnd.busy - machineStart.busy, 2),
          rssMaxBytes: 0,
          rssEndBytes: 0,
        };
      }
      for (const [name, t] of tracks) {
        out[name] = {
          cpuCores: round((t.lastCpu - t.startCpu) / seconds, 3),
          cpuSeconds: round(t.lastCpu - t.startCpu, 2),
          rssMaxBytes: t.rssMax,
          rssEndBytes: t.rssEnd,
          ...(t.loop.length > 0 && {
            eventLoopP99MaxMs: round(Math.max(...t.loop), 2),
            eventLoopP99MeanMs: round(t.loop.reduce((a, b) => a + b, 0) / t.loop.length, 2),
          }),
          ...(t.lagMax !== undefined && { consumerLagMax: t.lagMax }),
        };
      }
      return out;
    },
  };
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** a ÷ b rounded to 2 decimals, or null when either is unknown or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a !== undefined && a !== null && b !== undefined && b !== null && b > 0
    ? round(a / b, 2)
    : null;
}
