// One fault scenario end to end: a fresh deployment (own topic prefix,
// catalogue and processes) on the shared cluster, file-replay load at a
// bounded rate, resuming subscribers, the fault, a drain, and the count by
// post id of what was lost or seen twice.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { topicNames } from "@tweetream/shared";
import { killNode, pauseNode, resumeNode, startNode, stopNode } from "../kafka/node-control.ts";
import { dataDir } from "./env.ts";
import { readLedgers } from "./ledger.ts";
import { Stack, type ServiceProcess } from "./stack.ts";
import { ResumingSubscriber } from "./subscriber.ts";

/** A word no corpus post contains, appended to every replayed post so one topic rule matches them all. */
const PROBE_WORD = "tweetreamprobe";
const SLUG = "probe";

export interface ScenarioSettings {
  /** Posts per second of the file source. */
  rate: number;
  /** Seconds of load before the fault. */
  warmSeconds: number;
  /** Seconds a broker stays down or frozen, or before a killed service is started again. */
  holdSeconds: number;
  /** Seconds of load after the fault is over; the corpus is sized to last until then. */
  afterSeconds: number;
  /** Longest wait for every post to arrive once the load is over. */
  drainSeconds: number;
  /** Replication factor of the deployment's topics: 3 on the cluster, 1 on a single broker. */
  replicationFactor: number;
  log: (message: string) => void;
}

interface FaultContext {
  stack: Stack;
  settings: ScenarioSettings;
  /** Restarts a service once the hold time is over. */
  restartAfterHold: (service: ServiceProcess) => Promise<void>;
}

export interface Scenario {
  name: string;
  description: string;
  webs: number;
  classifiers: number;
  /** Broker faults: the services must recover by themselves, none may be restarted. */
  brokerFault: boolean;
  /**
   * The Kafka the scenario runs on: the 3-node cluster, a single broker (while
   * it is down nothing can flow, so recovery counts from the end of the
   * fault), or either (process faults).
   */
  kafka: "cluster" | "single" | "any";
  inject: (context: FaultContext) => Promise<void>;
}

const hold = (settings: ScenarioSettings) => sleep(settings.holdSeconds * 1000);

export const scenarios: Scenario[] = [
  {
    name: "classifier-kill",
    description: "kill -9 the classifier mid-stream, start it again after the hold time",
    webs: 1,
    classifiers: 1,
    brokerFault: false,
    kafka: "any",
    inject: async ({ stack, restartAfterHold }) => {
      const classifier = stack.get("classifier-1");
      await classifier.kill9();
      await restartAfterHold(classifier);
    },
  },
  {
    name: "classifier-failover",
    description: "two classifier replicas; kill -9 one, the other takes over its partitions",
    webs: 1,
    classifiers: 2,
    brokerFault: false,
    kafka: "any",
    inject: async ({ stack }) => {
      await stack.get("classifier-1").kill9();
    },
  },
  {
    name: "streamer-kill",
    description:
      "kill -9 the streamer mid-stream, start it again after the hold time; the file source resumes from its checkpoint",
    webs: 1,
    classifiers: 1,
    brokerFault: false,
    kafka: "any",
    inject: async ({ stack, restartAfterHold }) => {
      const streamer = stack.get("streamer-1");
      await streamer.kill9();
      await restartAfterHold(streamer);
    },
  },
  {
    name: "web-kill",
    description:
      "two web processes; kill -9 one: its subscribers reconnect to the other with their cursor; it is started again after the hold time",
    webs: 2,
    classifiers: 1,
    brokerFault: false,
    kafka: "any",
    inject: async ({ stack, restartAfterHold }) => {
      const web = stack.get("web-1");
      await web.kill9();
      await restartAfterHold(web);
    },
  },
  {
    name: "broker-kill",
    description:
      "kill -9 one of the three brokers (RF 3, min ISR 2), start it again after the hold time",
    webs: 1,
    classifiers: 1,
    brokerFault: true,
    kafka: "cluster",
    inject: async ({ settings }) => {
      await killNode(2, { log: settings.log });
      await hold(settings);
      await startNode(2, { log: settings.log });
    },
  },
  {
    name: "broker-pause",
    description: "freeze one of the three brokers with SIGSTOP for the hold time, then SIGCONT",
    webs: 1,
    classifiers: 1,
    brokerFault: true,
    kafka: "cluster",
    inject: async ({ settings }) => {
      await pauseNode(2, { log: settings.log });
      await hold(settings);
      await resumeNode(2, { log: settings.log });
    },
  },
  {
    name: "broker-restart",
    description:
      "stop the single broker (SIGTERM, as `npm run kafka stop`), start it again after the hold time",
    webs: 1,
    classifiers: 1,
    brokerFault: true,
    kafka: "single",
    inject: async ({ settings }) => {
      await stopNode(1, { log: settings.log });
      await hold(settings);
      await startNode(1, { log: settings.log });
    },
  },
];

export interface ScenarioResult {
  name: string;
  /** Working directory of the run: service logs, corpus, catalogue, checkpoint. */
  dir: string;
  /** Posts the source had to deliver (the replayed corpus). */
  produced: number;
  /** Distinct posts the subscriber that got the fewest received. */
  delivered: number;
  /** Posts of the corpus some subscriber never received (the worst subscriber). */
  lost: number;
  /** Deliveries of a post a subscriber had already received, over all subscribers. */
  duplicated: number;
  /**
   * From the fault (its start, or its end for a single broker) until every
   * subscriber received a post that entered the pipeline after it; undefined
   * if that never happened (see recoveryOf).
   */
  recoveryMs: number | undefined;
  /** What recoveryMs counts from. */
  recoveryFrom: "fault start" | "fault end";
  /** Records written more than once inside Kafka (at-least-once replays), per topic. */
  kafkaRepeats: { preprocessed: number; classified: number };
  /** Posts of the corpus that never reached the preprocessed topic. */
  missingInKafka: number;
  subscribers: number;
  reconnects: number;
  /** Exits of service processes the harness did not cause. */
  unexpectedExits: string[];
  /** Log lines per service over the whole scenario. */
  logLines: Record<string, number>;
  ok: boolean;
}

/** Writes a TXT corpus of `count` posts taken from the project's corpora, each with the probe word. */
function writeCorpus(file: string, count: number): void {
  const source = readFileSync(path.join(dataDir(), "random_tweets.txt"), "utf8")
    .split("\n")
    .map((line) => line.replace(/\r/g, " ").trim())
    .filter((line) => line !== "");
  const lines = Array.from(
    { length: count },
    (_, i) => `${source[i % source.length] ?? ""} ${PROBE_WORD}`,
  );
  writeFileSync(file, `${lines.join("\n")}\n`);
}

async function createTopic(web: ServiceProcess, token: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${String(web.port)}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation ($input: CreateTopicInput!) { createTopic(input: $input) { slug status } }`,
      variables: { input: { slug: SLUG, name: "Fault probe", rule: PROBE_WORD } },
    }),
  });
  const body = await response.text();
  if (!response.ok || !body.includes('"ACTIVE"')) throw new Error(`createTopic failed: ${body}`);
}

async function until(
  check: () => boolean,
  timeoutMs: number,
  { quietMs, progress }: { quietMs?: number; progress?: () => number } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = progress?.();
  let lastChange = Date.now();
  while (Date.now() < deadline) {
    if (check()) return true;
    if (progress && quietMs !== undefined) {
      const now = progress();
      if (now !== last) {
        last = now;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > quietMs) return false;
    }
    await sleep(200);
  }
  return check();
}

/**
 * How long the fault disrupted delivery after `faultAt` (its start, or its end
 * when nothing could flow during it), over all subscribers: the later of
 * (a) the first delivery of a post that entered the pipeline after `faultAt`
 * (flow restored: covers a dead streamer), and (b) the longest any post waited
 * after `faultAt`, i.e. received minus the later of its ingest time and
 * `faultAt` (covers partitions stuck on a dead replica while others flow).
 * Undefined if some subscriber never received a post from after `faultAt`.
 */
function recoveryOf(subscribers: readonly ResumingSubscriber[], faultAt: number) {
  let recovery = 0;
  for (const subscriber of subscribers) {
    const first = subscriber.deliveries.find((d) => d.ingestedAt > faultAt);
    if (!first) return undefined;
    recovery = Math.max(recovery, first.receivedAt - faultAt);
    for (const d of subscriber.deliveries) {
      if (d.receivedAt > faultAt)
        recovery = Math.max(recovery, d.receivedAt - Math.max(d.ingestedAt, faultAt));
    }
  }
  return recovery;
}

/** Runs one scenario on the cluster at `brokers`; stops every process it started. */
export async function runScenario(
  scenario: Scenario,
  brokers: string,
  settings: ScenarioSettings,
): Promise<ScenarioResult> {
  const { log, rate } = settings;
  const dir = mkdtempSync(path.join(tmpdir(), `tweetream-faults-${scenario.name}-`));
  const prefix = `faults.${scenario.name}.${randomBytes(3).toString("hex")}`;
  const corpusPath = path.join(dir, "corpus.txt");
  const total = Math.round(
    rate * (settings.warmSeconds + settings.holdSeconds + settings.afterSeconds),
  );
  writeCorpus(corpusPath, total);
  const adminToken = randomBytes(24).toString("hex");
  const stack = new Stack({
    brokers,
    prefix,
    dir,
    adminToken,
    corpusPath,
    rate,
    replicationFactor: settings.replicationFactor,
  });
  const subscribers: ResumingSubscriber[] = [];
  log(`${scenario.name}: ${scenario.description} (logs in ${dir})`);
  try {
    const webs: ServiceProcess[] = [];
    for (let i = 1; i <= scenario.webs; i++) webs.push(await stack.add("web", `web-${String(i)}`));
    const firstWeb = webs[0];
    if (!firstWeb) throw new Error("no web process");
    await createTopic(firstWeb, adminToken);
    for (let i = 1; i <= scenario.classifiers; i++) {
      await stack.add("classifier", `classifier-${String(i)}`);
    }
    const urls = webs.map((w) => `ws://127.0.0.1:${String(w.port)}/graphql`);
    // Two subscribers per web process.
    for (let i = 0; i < 2 * webs.length; i++) {
      subscribers.push(new ResumingSubscriber(`sub-${String(i + 1)}`, urls, SLUG, i % webs.length));
    }
    await Promise.all(subscribers.map((s) => s.start()));
    // The first subscription has no cursor: let it reach the server before posts flow.
    await sleep(1000);
    await stack.add("streamer", "streamer-1");
    log(`${scenario.name}: stack up, ${String(total)} posts at ${String(rate)}/s`);

    const warm = Math.max(1, Math.round(rate * settings.warmSeconds * 0.5));
    const warmed = await until(
      () => subscribers.every((s) => s.deliveries.length >= warm),
      settings.warmSeconds * 1000 + 60_000,
    );
    if (!warmed) log(`${scenario.name}: warning: posts were not flowing before the fault`);
    const faultAt = Date.now();
    log(`${scenario.name}: injecting the fault`);
    await scenario.inject({
      stack,
      settings,
      restartAfterHold: async (service) => {
        await hold(settings);
        await service.start();
      },
    });
    const faultEnd = Date.now();
    log(`${scenario.name}: fault over after ${((faultEnd - faultAt) / 1000).toFixed(1)}s`);

    const delivered = () => Math.min(...subscribers.map((s) => s.ids().size));
    const complete = await until(
      () => delivered() >= total,
      (settings.afterSeconds + settings.drainSeconds) * 1000,
      { quietMs: settings.drainSeconds * 1000, progress: delivered },
    );
    if (!complete) log(`${scenario.name}: stopped waiting with ${String(delivered())} delivered`);

    const recoveryFrom = scenario.kafka === "single" ? "fault end" : "fault start";
    const recoveryMs = recoveryOf(subscribers, recoveryFrom === "fault end" ? faultEnd : faultAt);
    const names = topicNames(prefix);
    const ledgers = await readLedgers(brokers, prefix, [names.preprocessed, names.user(SLUG)]);
    const pre = ledgers.get(names.preprocessed);
    const classified = ledgers.get(names.user(SLUG));
    const lost = Math.max(...subscribers.map((s) => total - s.ids().size));
    const duplicated = subscribers.reduce((sum, s) => sum + s.deliveries.length - s.ids().size, 0);
    const unexpectedExits = stack.services.flatMap((s) => s.unexpectedExits);
    const result: ScenarioResult = {
      name: scenario.name,
      dir,
      produced: total,
      delivered: delivered(),
      lost,
      duplicated,
      recoveryMs,
      recoveryFrom,
      kafkaRepeats: {
        preprocessed: (pre?.records ?? 0) - (pre?.ids.size ?? 0),
        classified: (classified?.records ?? 0) - (classified?.ids.size ?? 0),
      },
      missingInKafka: total - (pre?.ids.size ?? 0),
      subscribers: subscribers.length,
      reconnects: subscribers.reduce((sum, s) => sum + s.reconnects, 0),
      unexpectedExits,
      logLines: Object.fromEntries(stack.services.map((s) => [s.name, s.logLines()])),
      ok: false,
    };
    result.ok =
      lost === 0 &&
      duplicated === 0 &&
      recoveryMs !== undefined &&
      unexpectedExits.length === 0 &&
      (!scenario.brokerFault || recoveryMs <= 15_000);
    return result;
  } finally {
    await Promise.all(subscribers.map((s) => s.stop()));
    await stack.stopAll();
  }
}

/** The one-line summary of a result. */
export function formatResult(r: ScenarioResult): string {
  const recovery =
    r.recoveryMs === undefined
      ? "never"
      : `${(r.recoveryMs / 1000).toFixed(1)}s${r.recoveryFrom === "fault end" ? " after the fault" : ""}`;
  return (
    `${r.ok ? "PASS" : "FAIL"} ${r.name.padEnd(20)} produced=${String(r.produced)} delivered=${String(r.delivered)} ` +
    `lost=${String(r.lost)} duplicated=${String(r.duplicated)} recovery=${recovery} ` +
    `(subscribers=${String(r.subscribers)} reconnects=${String(r.reconnects)}; ` +
    `kafka repeats: preprocessed=${String(r.kafkaRepeats.preprocessed)} classified=${String(r.kafkaRepeats.classified)}; ` +
    `missing in kafka=${String(r.missingInKafka)}; log lines ${Object.entries(r.logLines)
      .map(([name, n]) => `${name}=${String(n)}`)
      .join(" ")}` +
    `${r.unexpectedExits.length > 0 ? `; unexpected exits: ${r.unexpectedExits.join(", ")}` : ""})`
  );
}
