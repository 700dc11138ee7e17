// GET /export against a real broker and a real HTTP server.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { createLogger, topicNames, type KafkaClient } from "@tweetream/shared";
import { uniqueName, waitFor } from "@tweetream/shared/testing";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor } from "../hub/cursor.ts";
import { exportHandler } from "./export-handler.ts";
import { seededPosts, seedTopic, T0, testKafka } from "./history-fixtures.ts";
import { CSV_COLUMNS } from "./log-export.ts";
import { LogPages } from "./log-pages.ts";
import { kafkaLogSource, type LogSource } from "./log-range.ts";

const topics = topicNames(uniqueName("export"));
const posts = seededPosts(300);
/** A text that CSV must quote: a comma, a quote, a line break and non-ASCII. */
const trickyText = (p: { id: string }) => `Macet "parah", ${p.id}\r\nJl. Sudirman → Thamrin`;
let kafka: KafkaClient;
let source: LogSource;
let server: Server;
let base: string;
/** Fetches made through `source`, to see that an export stops reading when its client leaves. */
let fetches = 0;

beforeAll(async () => {
  kafka = testKafka("export-test", topics);
  const real = kafkaLogSource(kafka, topics);
  source = {
    ...real,
    reader: {
      // Small fetches, so a range takes many of them.
      read: (topic, partition, offset) => {
        fetches++;
        return real.reader.read(topic, partition, offset, 2048);
      },
      readBatches: (...args) => real.reader.readBatches(...args),
    },
  };
  await seedTopic(kafka, topics, "jalan", posts, { text: trickyText });
  await seedTopic(kafka, topics, "expired", posts.slice(0, 30));
  await kafka.deleteRecords(topics.user("expired"), [{ partition: 0, offset: "5" }]);
  const handle = exportHandler({
    source,
    topicExists: async (slug) => slug === "jalan" || slug === "expired",
    logger: createLogger("export-test", "warn"),
    maxConcurrent: 1,
  });
  server = createServer((req, res) => void handle(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await kafka.close();
});

const iso = (at: number) => new Date(at).toISOString();

describe("GET /export", () => {
  it("streams a range as NDJSON: the same posts as the tweets pages of that range, oldest first", async () => {
    const from = T0 + 20_000;
    const to = T0 + 200_000;
    const response = await fetch(
      `${base}/export?topic=jalan&from=${iso(from)}&to=${iso(to)}&labels=traffic`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="tweetream_jalan_/,
    );
    const inRange = posts.filter((p) => p.timestamp >= from && p.timestamp < to);
    expect(response.headers.get("x-tweetream-records")).toBe(String(inRange.length));
    const lines = (await response.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; label: string; text: string });
    const want = inRange
      .filter((p) => p.label === "traffic")
      .sort((a, b) => a.timestamp - b.timestamp);
    expect(lines.map((l) => l.id)).toEqual(want.map((p) => p.id));
    expect(lines[0]?.text).toBe(trickyText({ id: want[0]?.id ?? "" }));

    // The pages of the same range hold the same posts (newest first).
    const pages = new LogPages(source);
    const paged: string[] = [];
    let before;
    for (;;) {
      const page = await pages.page("jalan", {
        from,
        to,
        first: 50,
        before,
        filter: { labels: new Set(["traffic"]) },
      });
      paged.push(...page.items.map((i) => i.post.id));
      const last = page.items.at(-1);
      if (!page.hasNextPage || !last) break;
      const decoded = decodeCursor(last.cursor);
      if (decoded.kind !== "position") throw new Error("bad cursor");
      before = decoded.position;
    }
    expect([...paged].reverse()).toEqual(lines.map((l) => l.id));
  });

  it("streams CSV by RFC 4180: a header, CRLF, quoted fields that round-trip", async () => {
    const response = await fetch(`${base}/export?topic=jalan&format=csv&to=${iso(T0 + 10_000)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    const body = await response.text();
    expect(body.startsWith(`${CSV_COLUMNS.join(",")}\r\n`)).toBe(true);
    const rows = parse<Record<string, string>>(body, { columns: true });
    const want = posts
      .filter((p) => p.timestamp < T0 + 10_000)
      .sort((a, b) => a.timestamp - b.timestamp);
    expect(rows.map((r) => r.id)).toEqual(want.map((p) => p.id));
    expect(rows[0]).toMatchObject({
      id: want[0]?.id,
      text: trickyText({ id: want[0]?.id ?? "" }),
      label: want[0]?.label,
      source: "synthetic",
      kafka_partition: String(want[0]?.partition),
    });
  });

  it("refuses bad parameters, naming them, and unknown or expired topics", async () => {
    const call = async (query: string) => {
      const response = await fetch(`${base}/export?${query}`);
      return {
        status: response.status,
        body: (await response.json()) as { error: Record<string, string> },
      };
    };
    expect(await call("topic=jalan&from=yesterday")).toMatchObject({
      status: 400,
      body: { error: { code: "BAD_REQUEST", param: "from" } },
    });
    expect(await call(`topic=jalan&from=${iso(T0 + 5000)}&to=${iso(T0)}`)).toMatchObject({
      status: 400,
      body: { error: { param: "to" } },
    });
    expect(await call("topic=jalan&format=xml")).toMatchObject({
      status: 400,
      body: { error: { param: "format" } },
    });
    expect(await call("topic=jalan&labels=traffic,spam")).toMatchObject({
      status: 400,
      body: { error: { param: "labels" } },
    });
    expect(await call("topic=Not_A_Slug")).toMatchObject({
      status: 400,
      body: { error: { param: "topic" } },
    });
    expect(await call("topic=nope")).toMatchObject({
      status: 404,
      body: { error: { code: "NOT_FOUND" } },
    });
    const expired = await call(`topic=expired&from=${iso(T0)}`);
    const oldestKept = posts.slice(0, 30).filter((p) => p.partition === 0)[5]?.timestamp ?? 0;
    expect(expired).toMatchObject({
      status: 410,
      body: { error: { code: "HISTORY_EXPIRED", oldestAvailable: iso(oldestKept) } },
    });
  });

  it("stops reading Kafka when the client goes away, and frees its place", async () => {
    fetches = 0;
    const url = new URL(`${base}/export?topic=jalan`);
    const request = httpRequest(url);
    request.end();
    const [response] = (await once(request, "response")) as [import("node:http").IncomingMessage];
    // The only export allowed at once is running: another is refused.
    expect((await fetch(`${base}/export?topic=jalan`)).status).toBe(429);
    await once(response, "data");
    response.destroy();
    request.destroy();
    // Reading stops: the count of fetches settles, well below what the whole range takes.
    let settled = -1;
    await waitFor(
      async () => {
        const now = fetches;
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (fetches === now) settled = now;
        return fetches === now ? true : undefined;
      },
      { what: "fetches to stop" },
    );
    fetches = 0;
    const whole = await (await fetch(`${base}/export?topic=jalan`)).text();
    expect(whole.trimEnd().split("\n")).toHaveLength(posts.length);
    expect(settled).toBeLessThan(fetches / 2);
  });
});
