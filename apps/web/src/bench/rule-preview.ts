// How long `previewRule` takes over an hour of posts: `--posts` preprocessed
// posts (real Indonesian tweets from the ICITEE 2016 corpora in ../shared/data,
// traffic and non-traffic lines in turn) spread over the last hour of a
// 3-partition preprocessed topic, each also written, labelled, to the log of
// its topic (`lalu-lintas` for the traffic corpus, `umum` for the other), as
// the classifier would. Then the rule is previewed `--runs` times with the
// limits lifted, so each run answers complete.
//
//   npm run kafka -- start
//   node --import tsx apps/web/src/bench/rule-preview.ts [--posts 3600000] [--runs 3]
//     [--rule 'macet OR (lalin padat)'] [--brokers localhost:9092] [--data ../shared/data]
//     [--keep | --reuse <prefix>@<end>]
//
// `--keep` leaves the topics in place and prints how to reuse them;
// `--reuse` previews topics a `--keep` run wrote (within the broker's
// retention) instead of writing new ones, so two versions of the code can be
// compared on the same log.
//
// Prints each run's seconds and posts/s, then the median and the worst run.
// The first run reads segments the broker may not have in its page cache yet
// and starts the previewer's scan worker threads (the web server starts them
// at its first preview too); it is reported like the others.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  ClassifiedPost,
  createKafkaClient,
  createLogger,
  encodeMessage,
  PreprocessedPost,
  topicNames,
  type OutgoingRecord,
} from "@tweetream/shared";
import { preprocess } from "@tweetream/text";
import { countExternalMemoryInHeapLimit } from "../gc-tuning.ts";
import { kafkaLogSource, RulePreviewer } from "../server/history/index.ts";

const { values } = parseArgs({
  options: {
    posts: { type: "string", default: "3600000" },
    runs: { type: "string", default: "3" },
    rule: { type: "string", default: "macet OR (lalin padat)" },
    brokers: { type: "string", default: "localhost:9092" },
    data: { type: "string", default: resolve(import.meta.dirname, "../../../../../shared/data") },
    keep: { type: "boolean", default: false },
    reuse: { type: "string" },
  },
});
// As the web process does by default (WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT).
countExternalMemoryInHeapLimit();
const POSTS = Number(values.posts);
const RUNS = Number(values.runs);
if (!Number.isInteger(POSTS) || POSTS < 1) throw new Error("--posts is a whole number ≥ 1");
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs is a whole number ≥ 1");

const corpus = (file: string) =>
  readFileSync(resolve(values.data, file), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
const traffic = corpus("traffic_tweets_combined.txt");
const other = corpus("random_tweets.txt");
// Cleaned once per line, not once per post.
const cleaned = new Map<string, string>();
const clean = (text: string) => {
  let done = cleaned.get(text);
  if (done === undefined) {
    done = preprocess(text);
    cleaned.set(text, done);
  }
  return done;
};

const logger = createLogger("rule-preview-bench", "warn");
const reuse = values.reuse?.match(/^([a-z0-9]+)@(\d+)$/);
if (values.reuse !== undefined && !reuse)
  throw new Error("--reuse is <prefix>@<end>, as a --keep run prints it");
const prefix = reuse?.[1] ?? `rp${Date.now().toString(36)}`;
const topics = topicNames(prefix);
const kafka = createKafkaClient({
  brokers: values.brokers.split(","),
  clientId: "rule-preview-bench",
  logger,
  topics,
});
const HOUR = 3_600_000;

try {
  await kafka.ensureTopics([
    { topic: topics.preprocessed, partitions: 3, replicationFactor: 1 },
    { topic: topics.user("lalu-lintas"), partitions: 3, replicationFactor: 1 },
    { topic: topics.user("umum"), partitions: 3, replicationFactor: 1 },
  ]);
  // Kafka refuses record times more than an hour ahead: the hour ends a minute ago.
  const end = reuse ? Number(reuse[2]) : Date.now() - 60_000;
  const start = end - HOUR;
  const producer = await kafka.createProducer();
  const written = performance.now();
  for (let at = 0; !reuse && at < POSTS; at += 1000) {
    const batch: OutgoingRecord[] = [];
    for (let i = at; i < Math.min(POSTS, at + 1000); i++) {
      const isTraffic = i % 2 === 0;
      const lines = isTraffic ? traffic : other;
      const text = lines[Math.floor(i / 2) % lines.length] ?? "";
      const slug = isTraffic ? "lalu-lintas" : "umum";
      const id = `b${String(i)}`;
      const timestamp = start + Math.floor((i / POSTS) * HOUR);
      const post: PreprocessedPost = {
        v: 1,
        id,
        source: "file",
        text,
        cleanText: clean(text),
        author: { id: String(i % 5000), username: `warga${String(i % 5000)}` },
        createdAt: new Date(timestamp).toISOString(),
        lang: "id",
        topics: [slug],
        ingestedAt: timestamp,
      };
      batch.push(
        {
          topic: topics.preprocessed,
          key: id,
          timestamp,
          value: encodeMessage(PreprocessedPost, post),
        },
        {
          topic: topics.user(slug),
          key: id,
          timestamp: timestamp + 5,
          value: encodeMessage(ClassifiedPost, {
            ...post,
            label: isTraffic ? "traffic" : "non_traffic",
            score: 0.9,
            model: { name: "traffic-svm", version: "bench" },
            classifiedAt: timestamp + 5,
          }),
        },
      );
    }
    await producer.send(batch);
  }
  await producer.disconnect();
  if (reuse) console.log(`reusing the topics of ${prefix}, the hour before ${String(end)}`);
  else
    console.log(
      `wrote ${String(POSTS)} preprocessed posts (and as many classified) in ${String(Math.round(performance.now() - written))} ms`,
    );
  if (values.keep) console.log(`kept; preview them again with --reuse ${prefix}@${String(end)}`);

  const previewer = new RulePreviewer(kafkaLogSource(kafka, topics), topics.preprocessed, {
    timeLimitMs: 600_000,
    maxScanned: Number.MAX_SAFE_INTEGER,
  });
  const seconds: number[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      const t0 = performance.now();
      const result = await previewer.preview({
        rule: values.rule,
        from: start,
        to: end + 1,
        first: 5,
      });
      const s = (performance.now() - t0) / 1000;
      seconds.push(s);
      console.log(
        `run ${String(run)}: ${s.toFixed(2)} s, ${String(Math.round(result.scanned / s))} posts/s; scanned ${String(result.scanned)} of ${String(result.total)}, matched ${String(result.matched)} ${JSON.stringify(result.labels)}, complete ${String(result.complete)}`,
      );
    }
  } finally {
    await previewer.close();
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  console.log(
    `rule ${JSON.stringify(values.rule)}, ${String(POSTS)} posts, ${String(RUNS)} runs: median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(2)} s, worst ${(sorted.at(-1) ?? 0).toFixed(2)} s`,
  );
} finally {
  if (!values.keep && !reuse)
    await kafka
      .deleteTopics([topics.preprocessed, topics.user("lalu-lintas"), topics.user("umum")])
      .catch(() => undefined);
  await kafka.close();
}
