// writeDocs on a small hand-made run: the scenarios' sections come in the
// doc's order and the lead's notes survive regeneration.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeDocs } from "./docs.ts";
import { repoRoot } from "./paths.ts";
import { RunResults } from "./results.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-docs-"));

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const results = RunResults.parse({
  schemaVersion: 1,
  startedAt: "2026-01-02T03:04:05.000Z",
  finishedAt: "2026-01-02T03:14:05.000Z",
  commit: "abc1234",
  dirty: false,
  command: "npm run bench -- --scenario startup,classifier",
  settings: {
    scenarios: ["startup", "classifier"],
    quick: false,
    durationS: 60,
    rates: [],
    latencyRates: [],
    subscribers: [],
    originalSubscribers: [],
    adminClients: [],
    adminIterations: 3,
    fanoutRate: 100,
    fanoutTopics: "narrow",
    loadProcesses: 2,
    drainS: 30,
    topics: [{ slug: "lalu-lintas", rule: "macet" }],
    fanoutTopicList: [{ slug: "banjir", rule: "banjir" }],
  },
  machine: {
    os: "Linux",
    release: "6.1",
    arch: "x64",
    cpuModel: "Test CPU",
    cpus: 2,
    memoryBytes: 4 * 2 ** 30,
    loadAverageAtStart: [0.1, 0.2, 0.3],
    node: "v24.0.0",
    kafka: "4.0.0",
    kafkaBrokers: "localhost:9092",
    brokerStartedByBench: true,
  },
  scenarios: {
    startup: {
      status: "ok",
      seconds: 20,
      runs: [
        {
          kind: "cold",
          command: "node --import tsx tooling/start.ts",
          webReadyS: 2.4,
          allReadyS: null,
          topicCreatedS: 3,
          firstPostS: 4.5,
        },
      ],
    },
    classifier: { status: "skipped", reason: "no model", seconds: 0 },
  },
});

describe("writeDocs", () => {
  it("renders each scenario's section in order and keeps the lead's notes", async () => {
    const doc = path.join(dir, "BENCHMARKS.md");
    const notes = "<!-- LEAD NOTES: start (kept when the file is regenerated) classifier -->";
    fs.writeFileSync(doc, `${notes}\n\nThe model runs on one core.\n\n<!-- LEAD NOTES: end -->\n`);

    const written = await writeDocs(results, { doc, chartDir: path.join(dir, "charts") });
    const markdown = fs.readFileSync(doc, "utf8");

    // No scenario with a chart ran, so only the doc was written.
    expect(written).toEqual([path.relative(repoRoot, doc)]);
    // Prettier pads the table's cells.
    expect(markdown).toMatch(/^\| cold +\| 2\.4 s +\| 3 s +\| 4\.5 s +\| – +\|$/m);
    expect(markdown).toContain("skipped: no model");
    expect(markdown).not.toContain("## 1. End-to-end throughput");
    expect(markdown).toContain(
      `${notes}\n\nThe model runs on one core.\n\n<!-- LEAD NOTES: end -->`,
    );
    const order = [
      "## The machine",
      "## 4. Classifier",
      "## 5. Against the original design",
      "### 5b. Classifier",
      "## 7. Start-up",
      "## What limits each figure",
    ].map((heading) => markdown.indexOf(heading));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
