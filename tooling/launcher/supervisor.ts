// Keeps a set of services running as systemd's `Restart=on-failure` would
// (deploy/systemd): started one after another, each once ready; a service that
// dies (a non-zero exit or a signal) is started again after a delay that doubles
// from `initialDelayMs` to `maxDelayMs`, and goes back to the shortest once it
// has stayed up for `resetAfterMs`. A service that exits with code 0 stays
// down. One that dies more than `burst` times within `intervalMs` is given up
// (systemd's StartLimitBurst / StartLimitIntervalSec), and `onGiveUp` decides
// what happens then. `stop()` stops them in reverse start order.
//
// Written by hand rather than with a process runner (concurrently, pm2)
// because the order of shutdown matters and those runners signal every child
// at once.
import { setTimeout as sleep } from "node:timers/promises";
import { describeExit, type Exit, type ServiceProcess } from "./service-process.ts";

/** What the supervisor needs of a service (a ServiceProcess). */
export type Supervised = Pick<
  ServiceProcess,
  "label" | "pid" | "running" | "exited" | "waitUntilReady" | "stop"
> & { start(): unknown };

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run this long counts as healthy: the next restart waits `initialDelayMs` again. */
  resetAfterMs: number;
  /** More restarts than this within `intervalMs`, and the service is given up. */
  burst: number;
  intervalMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
  burst: 5,
  intervalMs: 300_000,
};

export interface SupervisorOptions {
  /** In start order. */
  services: readonly Supervised[];
  say: (message: string) => void;
  policy?: Partial<RestartPolicy>;
  /** Called once when a service is given up (dies too often, or is not ready after a restart). */
  onGiveUp: (service: Supervised, reason: string) => void;
}

interface Watch {
  service: Supervised;
  startedAt: number;
  delayMs: number;
  restarts: number[];
}

export class Supervisor {
  readonly #services: readonly Supervised[];
  readonly #say: (message: string) => void;
  readonly #policy: RestartPolicy;
  readonly #onGiveUp: SupervisorOptions["onGiveUp"];
  readonly #stopping = new AbortController();
  readonly #started: Supervised[] = [];
  /** Restarts so far, per service label (for tests and the summary). */
  readonly restarts = new Map<string, number>();

  constructor(options: SupervisorOptions) {
    this.#services = options.services;
    this.#say = options.say;
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
    this.#onGiveUp = options.onGiveUp;
  }

  /** Starts each service in order and waits until it is ready; throws if one is not. */
  async start(): Promise<void> {
    for (const service of this.#services) {
      if (this.#isStopping()) return;
      this.#say(`starting ${service.label} ...`);
      service.start();
      this.#started.push(service);
      try {
        await service.waitUntilReady();
      } catch (error) {
        if (this.#isStopping()) return; // stopped during start-up
        throw error;
      }
      this.#say(`${service.label} is ready (pid ${String(service.pid)})`);
      this.#watch({
        service,
        startedAt: Date.now(),
        delayMs: this.#policy.initialDelayMs,
        restarts: [],
      });
    }
  }

  /** A method, not a field read, so the checks after each await are not narrowed away. */
  #isStopping(): boolean {
    return this.#stopping.signal.aborted;
  }

  #watch(watch: Watch): void {
    void watch.service.exited.then((exit) => this.#onExit(watch, exit));
  }

  async #onExit(watch: Watch, exit: Exit): Promise<void> {
    const { service } = watch;
    const { signal } = this.#stopping;
    if (this.#isStopping()) return;
    if (exit.code === 0) {
      this.#say(`${service.label} exited cleanly (code 0); not restarted`);
      return;
    }
    const now = Date.now();
    const policy = this.#policy;
    if (now - watch.startedAt >= policy.resetAfterMs) watch.delayMs = policy.initialDelayMs;
    watch.restarts = [...watch.restarts.filter((at) => now - at < policy.intervalMs), now];
    if (watch.restarts.length > policy.burst) {
      this.#giveUp(
        service,
        `${service.label} died ${String(watch.restarts.length)} times within ${String(policy.intervalMs / 1000)} s (last: ${describeExit(exit)})`,
      );
      return;
    }
    const delayMs = watch.delayMs;
    watch.delayMs = Math.min(delayMs * 2, policy.maxDelayMs);
    this.#say(
      `${service.label} exited unexpectedly (${describeExit(exit)}); restarting in ${String(delayMs / 1000)} s`,
    );
    try {
      await sleep(delayMs, undefined, { signal });
    } catch {
      return; // stopping
    }
    this.restarts.set(service.label, (this.restarts.get(service.label) ?? 0) + 1);
    service.start();
    watch.startedAt = Date.now();
    this.#watch(watch);
    try {
      await service.waitUntilReady();
    } catch (error) {
      // It died again (its own exit handler restarts it) or hangs unready.
      if (service.running && !this.#isStopping()) {
        this.#giveUp(service, error instanceof Error ? error.message : String(error));
      }
      return;
    }
    if (!this.#isStopping()) this.#say(`${service.label} is back (pid ${String(service.pid)})`);
  }

  #giveUp(service: Supervised, reason: string): void {
    if (this.#isStopping()) return;
    this.#say(`giving up on ${service.label}: ${reason}`);
    this.#onGiveUp(service, reason);
  }

  /** The services started so far, in start order. */
  get started(): readonly Supervised[] {
    return this.#started;
  }

  /**
   * Stops restarting, then stops every started service in reverse order;
   * resolves true when each stopped by itself in time with code 0 (or was
   * already down).
   */
  async stop(): Promise<boolean> {
    this.#stopping.abort();
    let clean = true;
    for (const service of [...this.#started].reverse()) {
      if (!service.running) continue;
      this.#say(`stopping ${service.label} ...`);
      const exit = await service.stop();
      if (exit.killed) {
        this.#say(`${service.label} did not stop in time; killed it`);
        clean = false;
      } else if (exit.code !== 0) {
        clean = false;
      }
    }
    return clean;
  }
}
