import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TweetreamError } from "@tweetream/shared";
import { createFileSource, readCorpus, type FileSourceOptions } from "./file.ts";
import { virtualClock } from "./pacer.ts";
import type { RawPost } from "./source.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tweetream-file-source-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Runs a file source to its end (or until `stopAfter` posts); returns the posts. */
async function replay(options: FileSourceOptions, stopAfter = Infinity) {
  const source = createFileSource({ rate: 0, ...options });
  const controller = new AbortController();
  const posts: RawPost[] = [];
  await source.run(async (batch) => {
    posts.push(...batch);
    if (posts.length >= stopAfter) controller.abort();
  }, controller.signal);
  return { posts, stats: source.stats };
}

/** The labelled corpora: `<repo root>/../shared/data`, or TWEETREAM_DATA_DIR. */
function dataDir(): string {
  const path =
    process.env.TWEETREAM_DATA_DIR ?? resolve(import.meta.dirname, "../../../../../shared/data");
  if (!existsSync(path)) {
    throw new Error(
      `corpus directory ${path} not found; set TWEETREAM_DATA_DIR to the data folder`,
    );
  }
  return path;
}

describe("file source: formats", () => {
  it("reads CSV without a header, with quoted multi-line fields, commas and quotes", async () => {
    const path = await write(
      "plain.csv",
      [
        "Jl. Sudirman padat merayap arah Blok M,traffic",
        '"hujan, mager keluar\nbesok aja deh ""katanya""",non_traffic',
        "",
        "tanpa label",
        "",
      ].join("\n"),
    );
    const { posts, stats } = await replay({ path });
    expect(posts.map((p) => p.text)).toEqual([
      "Jl. Sudirman padat merayap arah Blok M",
      'hujan, mager keluar\nbesok aja deh "katanya"',
      "tanpa label",
    ]);
    expect(posts.map((p) => p.id)).toEqual(["file-plain-1", "file-plain-2", "file-plain-3"]);
    expect(posts[0]).toMatchObject({ lang: "id", author: { id: "file-plain", username: "plain" } });
    expect(stats).toEqual({ emitted: 3, skipped: 0, pass: 1 });
  });

  it("reads CSV with a header naming the columns, in any order", async () => {
    const path = await write(
      "header.csv",
      'label,text,id,lang\ntraffic,"macet total\ndi tol",t-1,id\nnon_traffic,good morning,,en\ntraffic,,t-3,id\n',
    );
    const records = [];
    let skipped = 0;
    for await (const record of readCorpus(path, { onSkip: () => (skipped += 1) })) {
      records.push(record);
    }
    expect(records).toEqual([
      { n: 1, text: "macet total\ndi tol", label: "traffic", id: "t-1", lang: "id" },
      { n: 2, text: "good morning", label: "non_traffic", lang: "en" },
    ]);
    expect(skipped).toBe(1); // the record without text
    const { posts } = await replay({ path });
    expect(posts.map((p) => [p.id, p.lang])).toEqual([
      ["t-1", "id"],
      ["file-header-2", "en"],
    ]);
  });

  it("skips and counts a malformed CSV record", async () => {
    const path = await write(
      "broken.csv",
      'satu,traffic\n"dua""x" tiga",traffic\nempat,non_traffic\n',
    );
    const { posts, stats } = await replay({ path });
    expect(posts.map((p) => p.text)).toContain("empat");
    expect(stats.emitted + stats.skipped).toBe(3);
  });

  it("reads TXT one post a line (ids are line numbers; blank lines and CRLF ignored)", async () => {
    const path = await write(
      "lines.txt",
      '\uFEFFpertama\r\n\r\nketiga "kutip"\r\n  \nkelima\rmasih kelima\n',
    );
    const { posts, stats } = await replay({ path, lang: "und" });
    expect(posts.map((p) => [p.id, p.text, p.lang])).toEqual([
      ["file-lines-1", "pertama", "und"],
      ["file-lines-3", 'ketiga "kutip"', "und"],
      ["file-lines-5", "kelima\rmasih kelima", "und"], // a lone CR is no line break
    ]);
    expect(stats.skipped).toBe(0);
  });

  it("reads JSONL, using optional fields and skipping bad lines", async () => {
    const path = await write(
      "posts.ndjson",
      [
        JSON.stringify({ text: "lalin lancar", id: 123, lang: "id", label: "traffic" }),
        "{not json",
        JSON.stringify({ id: "x" }),
        JSON.stringify({ text: 42 }),
        JSON.stringify({ text: "   " }),
        "[1,2]",
        JSON.stringify({
          text: "halo",
          author: { id: 7, username: "budi" },
          createdAt: "2026-03-01T08:00:00+07:00",
          lang: 5,
        }),
        JSON.stringify({
          text: "tanpa tanggal",
          author: "sari",
          createdAt: "kemarin",
          id: "x".repeat(49),
        }),
      ].join("\n"),
    );
    const { posts, stats } = await replay({ path });
    expect(stats).toEqual({ emitted: 3, skipped: 5, pass: 1 });
    expect(posts[0]).toMatchObject({ id: "123", text: "lalin lancar", lang: "id" });
    expect(posts[1]).toMatchObject({
      id: "file-posts-7",
      author: { id: "7", username: "budi" },
      createdAt: "2026-03-01T01:00:00.000Z",
      lang: "id", // a malformed optional field falls back to the default
    });
    expect(posts[2]).toMatchObject({
      id: "file-posts-8", // an own id longer than the 48 characters kept
      author: { id: "sari", username: "sari" },
    });
    expect(Date.parse(posts[2]?.createdAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });

  it("takes the format from an option when the extension does not tell", async () => {
    const path = await write("export.data", '{"text":"satu"}\n');
    expect((await replay({ path, format: "jsonl" })).posts).toHaveLength(1);
    expect(() => createFileSource({ path })).toThrow(/export\.data.*format/);
  });
});

describe("file source: replay", () => {
  it("loops with distinct ids per pass", async () => {
    const path = await write("loop.txt", "a\nb\nc\n");
    const { posts, stats } = await replay({ path, loop: true, batchSize: 2 }, 8);
    expect(posts.slice(0, 8).map((p) => p.id)).toEqual([
      "file-loop-1",
      "file-loop-2",
      "file-loop-3",
      "file-loop-1-r2",
      "file-loop-2-r2",
      "file-loop-3-r2",
      "file-loop-1-r3",
      "file-loop-2-r3",
    ]);
    expect(stats.pass).toBe(3);
  });

  it("ends at the end of the file without looping, and on an empty file even when looping", async () => {
    const path = await write("three.txt", "a\nb\nc\n");
    expect((await replay({ path })).posts).toHaveLength(3);
    const empty = await write("empty.jsonl", "\n{bad\n");
    const { posts, stats } = await replay({ path: empty, loop: true });
    expect(posts).toHaveLength(0);
    expect(stats.skipped).toBe(1);
  });

  it("paces the replay at the rate", async () => {
    const path = await write(
      "hundred.txt",
      Array.from({ length: 100 }, (_, i) => `post ${i}`).join("\n"),
    );
    const clock = virtualClock();
    const source = createFileSource({ path, rate: 10 }, { clock });
    let emitted = 0;
    await source.run(async (batch) => {
      emitted += batch.length;
    }, new AbortController().signal);
    expect(emitted).toBe(100);
    expect(clock.now()).toBe(10_000); // 100 posts at 10/s
  });

  it("stops on abort, even in an endless loop", async () => {
    const path = await write("endless.txt", "x\ny\n");
    const { posts } = await replay({ path, loop: true, batchSize: 10 }, 25);
    expect(posts).toHaveLength(30);
  });

  it("fails with an error naming a missing file", async () => {
    const path = join(dir, "nope.csv");
    const source = createFileSource({ path });
    const run = source.run(async () => undefined, new AbortController().signal);
    await expect(run).rejects.toThrow(TweetreamError);
    await expect(run).rejects.toThrow(`"${path}"`);
  });

  it("fails with an error naming a directory given as the path", async () => {
    await expect(replay({ path: dir, format: "txt" })).rejects.toThrow(dir);
  });
});

describe("file source: the project's corpora", () => {
  it("replays test_set_5000.csv (no header, text,label) completely", async () => {
    const { posts, stats } = await replay({ path: join(dataDir(), "test_set_5000.csv") });
    expect(stats).toEqual({ emitted: 5_000, skipped: 0, pass: 1 });
    expect(new Set(posts.map((p) => p.id)).size).toBe(5_000);
    expect(posts.every((p) => p.text.length > 0 && !/,(non_)?traffic$/.test(p.text))).toBe(true);
  });

  it("replays random_tweets.txt one post a line", async () => {
    const path = join(dataDir(), "random_tweets.txt");
    // One post a line: a lone "\r" (which the corpus has inside posts) is no line break.
    const lines = (await readFile(path, "utf8")).split("\n").filter((line) => line.trim() !== "");
    const { posts, stats } = await replay({ path, batchSize: 2_000 });
    expect(stats.skipped).toBe(0);
    expect(posts).toHaveLength(lines.length);
    expect(posts.at(-1)?.id).toMatch(/^file-random_tweets-\d+$/);
  });
});

describe("file source: checkpoint", () => {
  const corpus = (name: string, count: number) =>
    write(name, Array.from({ length: count }, (_, i) => `post ${String(i + 1)}`).join("\n"));

  it("records only acknowledged batches and resumes after the last one, across passes", async () => {
    const path = await corpus("resume.txt", 10);
    const checkpointPath = join(dir, "resume.checkpoint.json");
    // First run: the third batch is never acknowledged (the process "dies" in emit).
    const first = createFileSource({ path, rate: 0, batchSize: 3, loop: true, checkpointPath });
    const acknowledged: string[] = [];
    const controller = new AbortController();
    let calls = 0;
    await first
      .run(async (batch) => {
        calls += 1;
        if (calls === 5) {
          controller.abort();
          throw new Error("killed before the acknowledgement");
        }
        acknowledged.push(...batch.map((p) => p.id));
      }, controller.signal)
      .catch(() => undefined);
    // 4 batches of 3 acknowledged: lines 1–10 and line 1 of the second pass, then 2–3.
    expect(acknowledged).toHaveLength(12);
    expect(acknowledged.at(-1)).toBe("file-resume-2-r2");
    expect(JSON.parse(await readFile(checkpointPath, "utf8"))).toMatchObject({ pass: 2, n: 2 });

    // A restart goes on right after the last acknowledged post: nothing skipped, nothing repeated.
    const { posts } = await replay({ path, batchSize: 3, loop: true, checkpointPath }, 4);
    expect(posts.map((p) => p.id).slice(0, 4)).toEqual([
      "file-resume-3-r2",
      "file-resume-4-r2",
      "file-resume-5-r2",
      "file-resume-6-r2",
    ]);
  });

  it("emits nothing more once the whole file was acknowledged, and starts fresh without a checkpoint", async () => {
    const path = await corpus("done.txt", 5);
    const checkpointPath = join(dir, "done.checkpoint.json");
    expect((await replay({ path, checkpointPath })).posts).toHaveLength(5);
    expect((await replay({ path, checkpointPath })).posts).toHaveLength(0);
    await rm(checkpointPath);
    expect((await replay({ path, checkpointPath })).posts).toHaveLength(5);
  });

  it("refuses a checkpoint of another corpus or a corrupt one, naming the file", async () => {
    const path = await corpus("mine.txt", 3);
    const other = await corpus("other.txt", 3);
    const checkpointPath = join(dir, "shared.checkpoint.json");
    await replay({ path: other, checkpointPath });
    await expect(replay({ path, checkpointPath })).rejects.toThrow(
      /shared\.checkpoint\.json" belongs to ".*other\.txt"/,
    );
    await writeFile(checkpointPath, "{garbage");
    await expect(replay({ path, checkpointPath })).rejects.toThrow(
      /is not a file source checkpoint; delete it/,
    );
  });
});
