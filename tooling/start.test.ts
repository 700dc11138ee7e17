// `npm start` end to end: the real supervisor, the real apps as child
// processes, the real broker. Ctrl-C is simulated as a terminal sends it: SIGINT
// to the whole foreground process group.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { waitFor } from "@tweetream/shared/testing";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "tweetream-start-"));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start", () => {
  it("starts every service, then stops them in order on Ctrl-C with nothing left behind", async () => {
    const [web, streamer, classifier] = [await freePort(), await freePort(), await freePort()];
    const child = spawn("npm", ["start"], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        KAFKA_BROKERS: inject("kafkaBrokers"),
        PORT: String(web),
        STREAMER_HEALTH_PORT: String(streamer),
        CLASSIFIER_HEALTH_PORT: String(classifier),
        DATABASE_URL: `file:${path.join(dir, "catalogue.db")}`,
        LOG_LEVEL: "warn",
      },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));

    await waitFor(() => (output.includes("Tweetream is up") ? true : undefined), {
      timeoutMs: 300_000,
      what: "start-up (npm start builds the dashboard first)",
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- npm start output ---\n${output}`);
    });
    const pids = [...output.matchAll(/is ready \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(3);
    expect((await fetch(`http://127.0.0.1:${web}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${streamer}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${classifier}/readyz`)).status).toBe(200);

    if (child.pid === undefined) throw new Error("npm did not start");
    process.kill(-child.pid, "SIGINT");
    // npm ends itself with the signal it got; the supervisor's own verdict is its last line.
    await waitFor(() => (/stopped (cleanly|, with errors)/.test(output) ? true : undefined), {
      timeoutMs: 60_000,
      what: "shutdown",
    });

    const stops = [...output.matchAll(/stopping (web|classifier|streamer) \.\.\./g)].map(
      (m) => m[1],
    );
    expect(stops).toEqual(["streamer", "classifier", "web"]);
    expect(output).toContain("stopped cleanly");
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
