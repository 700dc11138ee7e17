// The restart policy on its own, with stand-in services whose deaths the test
// decides (npm start's real kill -9 is in tooling/start.test.ts).
import { describe, expect, it } from "vitest";
import { waitFor } from "@tweetream/shared/testing";
import type { Exit } from "./service-process.ts";
import { Supervisor, type Supervised } from "./supervisor.ts";

class StandIn implements Supervised {
  readonly label: string;
  readonly starts: number[] = [];
  #end: ((exit: Exit) => void) | undefined;
  #exited = Promise.resolve<Exit>({ code: 0, signal: null, at: 0 });
  running = false;
  pid: number | undefined;

  constructor(label: string) {
    this.label = label;
  }

  get exited(): Promise<Exit> {
    return this.#exited;
  }

  start(): this {
    this.starts.push(Date.now());
    this.running = true;
    this.pid = 1000 + this.starts.length;
    this.#exited = new Promise((resolve) => (this.#end = resolve));
    return this;
  }

  waitUntilReady(): Promise<void> {
    return this.running ? Promise.resolve() : Promise.reject(new Error("exited"));
  }

  /** Ends the current run as a crash (or with `code`). */
  die(exit: Partial<Exit> = { signal: "SIGKILL" }): void {
    this.running = false;
    this.#end?.({ code: null, signal: null, at: Date.now(), ...exit });
  }

  stop(): Promise<Exit & { killed: boolean }> {
    this.die({ code: 0 });
    return this.#exited.then((exit) => ({ ...exit, killed: false }));
  }
}

function supervise(services: StandIn[], policy = {}) {
  const said: string[] = [];
  const givenUp: string[] = [];
  const supervisor = new Supervisor({
    services,
    say: (message) => said.push(message),
    policy: { initialDelayMs: 20, maxDelayMs: 80, resetAfterMs: 10_000, ...policy },
    onGiveUp: (service, reason) => givenUp.push(`${service.label}: ${reason}`),
  });
  return { supervisor, said, givenUp };
}

const restarted = (service: StandIn, runs: number) =>
  waitFor(() => (service.starts.length >= runs && service.running ? true : undefined), {
    timeoutMs: 5000,
    intervalMs: 2,
    what: `${service.label} run ${String(runs)}`,
  });

describe("Supervisor", () => {
  it("restarts a service that dies, waiting twice as long each time up to the most", async () => {
    const web = new StandIn("web");
    const classifier = new StandIn("classifier");
    const { supervisor, said } = supervise([web, classifier], { burst: 10 });
    await supervisor.start();
    for (let run = 2; run <= 5; run++) {
      classifier.die();
      await restarted(classifier, run);
    }
    const gaps = classifier.starts.slice(1).map((at, i) => at - (classifier.starts[i] ?? at));
    // 20, 40, 80, then capped at 80 ms (each gap also holds the test's own wait).
    expect(gaps.map((gap) => gap >= 18)).toEqual([true, true, true, true]);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
    expect(said).toContain("classifier exited unexpectedly (signal SIGKILL); restarting in 0.02 s");
    await waitFor(() => (said.includes("classifier is back (pid 1005)") ? true : undefined));
    expect(supervisor.restarts.get("classifier")).toBe(4);
    expect(web.starts).toHaveLength(1);
    await supervisor.stop();
  });

  it("leaves a service that exits with code 0 down", async () => {
    const streamer = new StandIn("streamer");
    const { supervisor, said } = supervise([streamer]);
    await supervisor.start();
    streamer.die({ code: 0 });
    await waitFor(() => (said.some((line) => line.includes("exited cleanly")) ? true : undefined));
    expect(said).toContain("streamer exited cleanly (code 0); not restarted");
    expect(streamer.starts).toHaveLength(1);
  });

  it("gives a service up when it dies more than `burst` times within the interval", async () => {
    const classifier = new StandIn("classifier");
    const { supervisor, givenUp } = supervise([classifier], { burst: 2 });
    await supervisor.start();
    classifier.die();
    await restarted(classifier, 2);
    classifier.die({ code: 1 });
    await restarted(classifier, 3);
    classifier.die({ code: 1 });
    await waitFor(() => (givenUp.length > 0 ? true : undefined));
    expect(givenUp).toEqual(["classifier: classifier died 3 times within 300 s (last: code 1)"]);
    expect(classifier.starts).toHaveLength(3);
  });

  it("stops in reverse order and restarts nothing after stop", async () => {
    const services = ["web", "classifier", "streamer"].map((name) => new StandIn(name));
    const { supervisor, said } = supervise(services);
    await supervisor.start();
    expect(await supervisor.stop()).toBe(true);
    expect(said.filter((line) => line.startsWith("stopping"))).toEqual([
      "stopping streamer ...",
      "stopping classifier ...",
      "stopping web ...",
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(services.map((s) => s.starts.length)).toEqual([1, 1, 1]);
  });
});
