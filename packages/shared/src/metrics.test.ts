import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMetricsRegistry, PER_HANDLE_METRICS_EVERY_MS } from "./metrics.ts";

const servers: Server[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function handlesTotal(registry: ReturnType<typeof createMetricsRegistry>) {
  const metric = await registry.getSingleMetric("tweetream_nodejs_active_handles_total")?.get();
  return metric?.values[0]?.value ?? Number.NaN;
}

describe("createMetricsRegistry", () => {
  it("walks the process's handles at most every 30 s, not at every scrape", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const registry = createMetricsRegistry("test");
    const before = await handlesTotal(registry);
    for (let i = 0; i < 3; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    }
    expect(await handlesTotal(registry)).toBe(before);
    vi.setSystemTime(Date.now() + PER_HANDLE_METRICS_EVERY_MS);
    expect(await handlesTotal(registry)).toBe(before + 3);
    // The other default metrics are still collected at every scrape.
    expect(await registry.metrics()).toContain("tweetream_process_cpu_seconds_total");
  });
});
