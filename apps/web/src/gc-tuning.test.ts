import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const tuning = path.join(import.meta.dirname, "gc-tuning.ts");

/** Full collections in a fresh process that allocates and drops 640 MiB of 2 MiB Buffers. */
function fullCollections(tuned: boolean): number {
  const script = `
    import { PerformanceObserver, constants } from "node:perf_hooks";
    ${tuned ? `import { countExternalMemoryInHeapLimit } from ${JSON.stringify(tuning)}; countExternalMemoryInHeapLimit();` : ""}
    let full = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
    }).observe({ entryTypes: ["gc"] });
    let kept = [];
    for (let i = 0; i < 320; i++) {
      kept.push(Buffer.allocUnsafeSlow(2 * 1024 * 1024).fill(i));
      if (kept.length > 4) kept = kept.slice(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.stdout.write(String(full));
  `;
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    { encoding: "utf8" },
  );
  return Number(out);
}

describe("countExternalMemoryInHeapLimit", () => {
  it("stops V8 collecting the whole heap every 64 MB of Buffers", () => {
    const untuned = fullCollections(false);
    const tuned = fullCollections(true);
    // V8's default: a full collection every 64 MB or so of new Buffers.
    expect(untuned).toBeGreaterThanOrEqual(5);
    expect(tuned).toBeLessThanOrEqual(untuned / 3);
  }, 60_000);
});
