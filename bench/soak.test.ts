// The 60-second soak (`npm run soak` is 30 minutes and not in CI): the whole
// system under steady load with every process sampled. Checks that the
// samples and slopes are produced and well-formed and that every post reached
// every subscriber; never a memory or timing threshold (a 60-second run is
// mostly warm-up; the 30-minute run's slopes are in docs/RELIABILITY.md).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { repoRoot } from "./lib/paths.ts";
import { SoakResults, slopePerMinute } from "./lib/soak-results.ts";

const out = fs.mkdtempSync(path.join(os.tmpdir(), "soak-smoke-"));

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
});

describe("slopePerMinute", () => {
  it("fits a least-squares line, skipping missing samples", () => {
    // 2 units per minute plus noise that cancels out.
    expect(slopePerMinute([0, 60, 120, 180], [10, 13, 13, 16])).toBeCloseTo(1.8, 5);
    expect(slopePerMinute([0, 30, 60, 90], [5, null, 5, 5])).toBe(0);
    expect(slopePerMinute([0, 10], [1, 2])).toBeNull();
  });
});

describe("npm run soak, 60 seconds", () => {
  it("samples every process and loses no post", async () => {
    const { code, output } = await new Promise<{ code: number | null; output: string }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            "--import",
            "tsx",
            "bench/soak.ts",
            ...["--duration", "60", "--rate", "200", "--subscribers", "100"],
            ...["--interval", "5", "--warmup", "20", "--no-docs", "--out", out],
          ],
          {
            cwd: repoRoot,
            env: { ...process.env, KAFKA_BROKERS: inject("kafkaBrokers") },
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
        child.once("error", reject);
        child.once("exit", (exitCode) => {
          resolve({ code: exitCode, output: text });
        });
      },
    );
    expect(code, output).toBe(0);
    const file = fs.readdirSync(out).find((f) => /^soak-.*\.json$/.test(f));
    expect(file, output).toBeDefined();
    const results = SoakResults.parse(
      JSON.parse(fs.readFileSync(path.join(out, file ?? ""), "utf8")),
    );
    expect(results.settings).toMatchObject({ durationS: 60, rate: 200, subscribers: 100 });
    expect(results.series.map((s) => s.process)).toEqual(
      expect.arrayContaining(["web", "classifier", "streamer", "load-0"]),
    );
    for (const series of results.series) {
      // One sample every 5 s over at least 60 s, plus the first and the last.
      expect(series.t.length, series.process).toBeGreaterThanOrEqual(12);
      expect(series.rssBytes.filter((v) => v !== null).length, series.process).toBe(
        series.t.length,
      );
    }
    for (const name of ["web", "classifier", "streamer"]) {
      const series = results.series.find((s) => s.process === name);
      expect(
        series?.heapUsedBytes.every((v) => v !== null && v > 0),
        name,
      ).toBe(true);
      expect(
        series?.openFds.every((v) => v !== null && v > 0),
        name,
      ).toBe(true);
      const slope = results.slopes.find((s) => s.process === name);
      expect(slope?.samples, name).toBeGreaterThanOrEqual(8);
      expect(Number.isFinite(slope?.rssMiBPerMin), name).toBe(true);
    }
    expect(results.delivery.generated).toBe(60 * 200);
    expect(results.delivery.expected).toBeGreaterThan(0);
    expect(results.delivery).toMatchObject({ missing: 0, duplicates: 0 });
    expect(results.delivery.delivered).toBe(results.delivery.expected);
  });
});
