// How fast `GET /export` streams a topic's Kafka log, and what it costs the
// server's memory: `--posts` classified posts (a typical synthetic post's
// size) are written to a 3-partition topic over the last hour, then the whole
// range is exported `--runs` times by curl (the client is another process),
// while this process, which serves the export, samples its RSS every 100 ms.
//
//   npm run kafka -- start
//   node --import tsx apps/web/src/bench/export-rate.ts [--posts 1000000] [--runs 3]
//     [--format ndjson|csv] [--brokers localhost:9092]
//
// Prints each run's posts/s, MiB/s and RSS (before, highest), then the median
// and the worst run. The first run reads segments the broker may not have in
// its page cache yet; it is reported like the others.
import { execFile } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { promisify } from "node:util";
import {
  ClassifiedPost,
  createKafkaClient,
  createLogger,
  encodeMessage,
  topicNames,
} from "@tweetream/shared";
import { countExternalMemoryInHeapLimit } from "../gc-tuning.ts";
import { exportHandler, kafkaLogSource } from "../server/history/index.ts";
import { classifiedPost } from "../server/hub/hub-fixtures.ts";

const { values } = parseArgs({
  options: {
    posts: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    format: { type: "string", default: "ndjson" },
    brokers: { type: "string", default: "localhost:9092" },
  },
});
// As the web process does by default (WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT).
countExternalMemoryInHeapLimit();
const POSTS = Number(values.posts);
const RUNS = Number(values.runs);
const FORMAT = values.format;
if (FORMAT !== "ndjson" && FORMAT !== "csv") throw new Error("--format is ndjson or csv");

const logger = createLogger("export-rate", "warn");
const topics = topicNames(`er${Date.now().toString(36)}`);
const kafka = createKafkaClient({
  brokers: values.brokers.split(","),
  clientId: "export-rate",
  logger,
  topics,
});
const slug = "export";
const topic = topics.user(slug);
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

try {
  await kafka.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }]);
  const producer = await kafka.createProducer();
  const start = Date.now() - 3_600_000;
  const text =
    "Macet parah di Jl. Sudirman arah Semanggi, antrean sudah sampai Bundaran HI sejak pagi";
  // 1,500 posts a send: about 300 KiB per partition, under the broker's 1 MiB batch limit.
  const written = performance.now();
  for (let at = 0; at < POSTS; at += 1500) {
    const batch = [];
    for (let i = at; i < Math.min(POSTS, at + 1500); i++) {
      const id = `x${String(i)}`;
      batch.push({
        topic,
        key: id,
        timestamp: start + Math.floor((i / POSTS) * 3_600_000),
        value: encodeMessage(ClassifiedPost, { ...classifiedPost(id, "traffic", slug), text }),
      });
    }
    await producer.send(batch);
  }
  await producer.disconnect();
  console.log(
    `wrote ${String(POSTS)} posts in ${String(Math.round(performance.now() - written))} ms`,
  );

  const handle = exportHandler({
    source: kafkaLogSource(kafka, topics),
    topicExists: (s) => s === slug,
    logger,
  });
  const server = createServer((request, response) => void handle(request, response));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/export?topic=${slug}&format=${FORMAT}`;

  const runs: { postsPerS: number; mibPerS: number; rssBefore: number; rssMax: number }[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const rssBefore = process.memoryUsage.rss();
    let rssMax = rssBefore;
    const sampler = setInterval(() => {
      rssMax = Math.max(rssMax, process.memoryUsage.rss());
    }, 100);
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)("curl", [
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{size_download} %{http_code}",
      url,
    ]);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const [bytes, status] = stdout.trim().split(" ").map(Number);
    if (status !== 200) throw new Error(`export answered ${String(status)}`);
    const result = {
      postsPerS: Math.round(POSTS / seconds),
      mibPerS: Math.round(mib(bytes ?? 0) / seconds),
      rssBefore,
      rssMax,
    };
    runs.push(result);
    console.log(
      `run ${String(run)}: ${String(result.postsPerS)} posts/s, ${String(result.mibPerS)} MiB/s, ${String(mib(bytes ?? 0))} MiB in ${seconds.toFixed(1)} s; RSS ${String(mib(rssBefore))} → max ${String(mib(rssMax))} MiB`,
    );
  }
  const rates = runs.map((r) => r.postsPerS).sort((a, b) => a - b);
  console.log(
    `${FORMAT}, ${String(POSTS)} posts, ${String(RUNS)} runs: median ${String(rates[Math.floor(rates.length / 2)])} posts/s, worst ${String(rates[0])} posts/s; highest RSS ${String(mib(Math.max(...runs.map((r) => r.rssMax))))} MiB`,
  );
  server.close();
} finally {
  await kafka.deleteTopics([topic]).catch(() => undefined);
  await kafka.close();
}
