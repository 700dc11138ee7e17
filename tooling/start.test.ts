// `npm start` end to end: the real supervisor, the real apps as child
// processes, the real broker. A `kill -9` of the classifier is survived (it is
// restarted and posts flow again); Ctrl-C is simulated as a terminal sends it:
// SIGINT to the whole foreground process group.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { metricValue, waitFor } from "@tweetream/shared/testing";
import { freePort } from "./launcher/services.ts";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "tweetream-start-"));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start", () => {
  it("starts every service, restarts one that dies, then stops them in order on Ctrl-C with nothing left behind", async () => {
    const [web, webHealth, streamer, classifier] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const adminToken = "start-test-admin-token-0123456789";
    const child = spawn("npm", ["start"], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        KAFKA_BROKERS: inject("kafkaBrokers"),
        KAFKA_TOPIC_PREFIX: `start-${String(process.pid)}`,
        PORT: String(web),
        WEB_HEALTH_PORT: String(webHealth),
        ADMIN_TOKEN: adminToken,
        STREAMER_HEALTH_PORT: String(streamer),
        CLASSIFIER_HEALTH_PORT: String(classifier),
        DATABASE_URL: `file:${path.join(dir, "catalogue.db")}`,
        // info: each service logs a line before it is ready ("web ready", ...).
        LOG_LEVEL: "info",
        // Readable lines although the output is a pipe, not a terminal.
        LOG_FORMAT: "pretty",
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
    // The services' JSON lines are printed readably (LOG_FORMAT=pretty).
    const readable = /^\[web\] \[\d\d:\d\d:\d\d\.\d{3}\] INFO: web ready/m;
    await waitFor(() => (readable.test(output) ? true : undefined), {
      timeoutMs: 10_000,
      what: "web's readable 'web ready' line",
    });
    expect(output).not.toMatch(/^\[(web|classifier|streamer)\] \{"level"/m);
    for (const port of [webHealth, streamer, classifier]) {
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    }

    // A topic most synthetic posts match, so posts flow through every service.
    const created = await fetch(`http://127.0.0.1:${web}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        query: `mutation { createTopic(input: { slug: "jalan", name: "Jalan", rule: "jalan OR macet OR di" }) { slug } }`,
      }),
    });
    expect(await created.json()).toEqual({ data: { createTopic: { slug: "jalan" } } });
    const delivered = async () =>
      (await metricValue(webHealth, "tweetream_web_posts_total", { topic: "jalan" })) ?? 0;
    await waitFor(async () => ((await delivered()) > 0 ? true : undefined), {
      timeoutMs: 60_000,
      what: "posts of the new topic at web",
    });

    // kill -9 of the classifier: it is restarted, and posts flow again.
    const classifierPid = pids[1] ?? 0;
    process.kill(classifierPid, "SIGKILL");
    await waitFor(() => (/classifier is back \(pid (\d+)\)/.test(output) ? true : undefined), {
      timeoutMs: 120_000,
      what: "the classifier to be restarted",
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- npm start output ---\n${output}`);
    });
    expect(output).toMatch(/classifier exited unexpectedly \(signal SIGKILL\); restarting in 1 s/);
    expect(isAlive(classifierPid)).toBe(false);
    const before = await delivered();
    await waitFor(async () => ((await delivered()) > before ? true : undefined), {
      timeoutMs: 60_000,
      what: "posts classified after the restart to reach web",
    });
    // Counted by the new classifier process.
    expect(
      await metricValue(classifier, "tweetream_classifier_posts_total", { outcome: "classified" }),
    ).toBeGreaterThan(0);
    pids.push(...[...output.matchAll(/is back \(pid (\d+)\)/g)].map((m) => Number(m[1])));

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
