// Smoke test of the benchmark harness: a --quick run of two scenarios against
// the test broker, writing to a temporary folder, then the docs generated
// from its results (and a stock-fanout result made from them) into another. Checks that results are produced and
// well-formed (the results schema) and that the measurements are coherent;
// never how fast anything was.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { writeDocs } from "./lib/docs.ts";
import { repoRoot } from "./lib/paths.ts";
import { RunResults } from "./lib/results.ts";

const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-smoke-"));

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
});

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], {
      cwd: repoRoot,
      env: { ...process.env, KAFKA_BROKERS: inject("kafkaBrokers") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      resolve({ code, output });
    });
  });
}

describe("npm run bench --quick", () => {
  it("writes well-formed results and docs", async () => {
    const { code, output } = await runBench([
      "--quick",
      "--no-docs",
      "--out",
      out,
      "--scenario",
      "fanout,topic-admin",
      "--duration",
      "2",
      "--repeat",
      "2",
      "--subscribers",
      "12",
      "--admin-clients",
      "1",
    ]);
    expect(code, output).toBe(0);

    const files = fs.readdirSync(out).filter((f) => f.endsWith(".json"));
    expect(files).toContain("latest.json");
    expect(files.some((f) => /^\d{4}-\d\d-\d\dT.*-[0-9a-f]+\.json$/.test(f))).toBe(true);
    const results = RunResults.parse(
      JSON.parse(fs.readFileSync(path.join(out, "latest.json"), "utf8")),
    );

    expect(results.settings.scenarios).toEqual(["fanout", "topic-admin"]);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(Object.keys(results.scenarios).sort()).toEqual(["fanout", "topic-admin"]);

    expect(results.settings.repeat).toBe(2);
    expect(results.settings.warmupS).toBe(1);

    const fanout = results.scenarios.fanout;
    expect(fanout?.status, fanout?.reason).toBe("ok");
    // One level per step length, holding every run of it.
    expect(fanout?.levels).toHaveLength(1);
    const level = fanout?.levels[0];
    expect(level?.connected).toBe(12);
    expect(level?.durationS).toBe(2);
    expect(level?.steps.map((s) => s.repeat)).toEqual([1, 2]);
    for (const step of level?.steps ?? []) {
      expect(step.subscribers).toBe(12);
      expect(step.durationS).toBe(2);
      expect(step.warmupS).toBe(1);
      // Every expected delivery arrived, each counted once, each with a
      // latency: in the step's histogram or in its warm-up's.
      expect(step.expectedDeliveries).toBeGreaterThan(0);
      expect(step.deliveries).toBe(step.expectedDeliveries);
      expect(step.latencyMs.count + (step.warmupLatencyMs?.count ?? 0)).toBe(
        step.deliveries + step.duplicates,
      );
      expect(step.processes.web?.rssMaxBytes).toBeGreaterThan(0);
      // The web process's own histogram saw posts handed to subscribers after the warm-up.
      expect(Object.keys(step.hopsMs ?? {})).toContain("delivered");
      expect(step.hopsMs?.delivered?.count).toBeGreaterThan(0);
    }

    const admin = results.scenarios["topic-admin"];
    expect(admin?.status, admin?.reason).toBe("ok");
    const adminLevel = admin?.levels[0];
    expect(adminLevel?.clients).toBe(1);
    // Every request was answered and counted, successful or not (whether topics
    // were left half-deleted is a finding of the scenario, not of this test).
    const answered = (op: { ok: number; errors: Record<string, number> } | undefined) =>
      (op?.ok ?? 0) + Object.values(op?.errors ?? {}).reduce((a, b) => a + b, 0);
    expect(answered(adminLevel?.create)).toBe(adminLevel?.iterations);
    expect(adminLevel?.create.latencyMs.count).toBe(answered(adminLevel?.create));

    // The stock-fanout scenario takes half a minute even with --quick, too long
    // for this test (bench/stock has the stock server's own test); its docs
    // section is rendered from the fan-out level above standing in for both servers.
    if (!fanout || !level) throw new Error("no fan-out level");
    const side = { ...level, framesPerSecond: 1, cpuUsPerFrame: 1 };
    const withStock = RunResults.parse({
      ...results,
      scenarios: {
        ...results.scenarios,
        "stock-fanout": {
          status: "ok",
          seconds: 1,
          rate: fanout.rate,
          topics: fanout.topics,
          topicSet: fanout.topicSet,
          versions: { graphql: "16" },
          levels: [
            {
              subscribers: level.subscribers,
              durationS: level.durationS,
              tweetream: side,
              stock: side,
              ratios: { p99: 1, cpuPerFrame: 1 },
            },
          ],
        },
      },
    });

    const docs = path.join(out, "docs");
    const written = await writeDocs(withStock, {
      doc: path.join(docs, "BENCHMARKS.md"),
      chartDir: path.join(docs, "benchmarks"),
    });
    expect(written.length).toBeGreaterThan(1);
    const markdown = fs.readFileSync(path.join(docs, "BENCHMARKS.md"), "utf8");
    expect(markdown).toContain("## 3. Fan-out");
    expect(markdown).toContain("### How a step runs and warms up");
    expect(markdown).toContain("warm-up p99");
    expect(markdown).toContain("web CPU/frame");
    expect(markdown).toContain("## 6. Topic administration under load");
    expect(markdown).toContain("## 8. Fan-out against the stock stack");
    for (const svg of fs.readdirSync(path.join(docs, "benchmarks"))) {
      expect(fs.readFileSync(path.join(docs, "benchmarks", svg), "utf8")).toMatch(/^<svg /);
    }
  });
});
