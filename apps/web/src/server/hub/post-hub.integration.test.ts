// PostHub against a real Kafka broker (the web project's global setup starts one).
import {
  ClassifiedPost,
  coreTopicSpecs,
  createKafkaClient,
  createLogger,
  DEAD_LETTER_HEADERS,
  encodeMessage,
  PostDeleted,
  KafkaClient,
  topicNames,
  type Consumer,
  type PostLabel,
  type Producer,
} from "@tweetream/shared";
import { uniqueName, waitFor } from "@tweetream/shared/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { classifiedPost, listen } from "./hub-fixtures.ts";
import { PostHub, type TopicPost } from "./post-hub.ts";

const logger = createLogger("hub-test", "warn");
const topics = topicNames(uniqueName("hub"));
const MINUTE = 60_000;
let kafka: KafkaClient;
let producer: Producer;
const hubs: PostHub[] = [];
const consumers: Consumer[] = [];

beforeAll(async () => {
  kafka = createKafkaClient({
    brokers: inject("kafkaBrokers").split(","),
    clientId: uniqueName("hub-test"),
    logger,
    topics,
  });
  await kafka.ensureTopics(coreTopicSpecs(topics, { partitions: 1, replicationFactor: 1 }));
  producer = await kafka.createProducer();
});

afterAll(async () => {
  await Promise.all([...hubs, ...consumers].map((h) => h.stop()));
  await kafka.close();
});

/** Creates the user topic of `slug`. */
async function createTopic(slug: string, partitions = 3): Promise<void> {
  await kafka.ensureTopics([{ topic: topics.user(slug), partitions, replicationFactor: 1 }]);
}

const labelOf = (i: number): PostLabel => (i % 3 === 0 ? "traffic" : "non_traffic");

/** Writes posts `${prefix}-${from}` .. `${prefix}-${to - 1}` to the topic of `slug`. */
async function writePosts(slug: string, prefix: string, from: number, to: number): Promise<void> {
  const records = [];
  for (let i = from; i < to; i++) {
    const post = classifiedPost(`${prefix}-${i}`, labelOf(i), slug);
    records.push({
      topic: topics.user(slug),
      key: post.id,
      value: encodeMessage(ClassifiedPost, post),
    });
  }
  await producer.send(records);
}

function newHub(historyPerTopic = 1000, statsReadBackPerTopic?: number): PostHub {
  const hub = new PostHub({ kafka, logger, historyPerTopic, statsReadBackPerTopic });
  hubs.push(hub);
  return hub;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const idsOf = (items: readonly TopicPost[]) => items.map((i) => i.post.id);

/** Every item of a topic's history, page by page, newest first. */
function allPages(hub: PostHub, slug: string, labels?: PostLabel[]): TopicPost[] {
  const items: TopicPost[] = [];
  let after: string | undefined;
  for (;;) {
    const page = hub.history(slug, { first: 7, labels, ...(after ? { after } : {}) });
    items.push(...page.items);
    if (!page.hasNextPage) return items;
    after = page.items.at(-1)?.cursor;
  }
}

describe("PostHub", () => {
  it("fans each post out as one object to 1,000 subscribers, pages history, resumes and counts", async () => {
    const slug = uniqueName("fan");
    await createTopic(slug);
    const hub = newHub();
    await hub.start(new Set([slug]));

    const received = Array.from({ length: 1000 }, () => [] as TopicPost[]);
    let ended = 0;
    const onEnd = () => ended++;
    for (const items of received) listen(hub, slug, (item) => items.push(item), onEnd);
    listen(
      hub,
      slug,
      () => {
        throw new Error("a broken subscriber");
      },
      onEnd,
    );
    expect(hub.subscriberCount).toBe(1001);

    await writePosts(slug, "fan", 0, 30);
    await waitFor(() => (received.every((items) => items.length >= 30) ? true : undefined), {
      what: "30 posts at every subscriber",
    });
    const [first] = received;
    for (const items of received) {
      expect(items).toHaveLength(30);
      for (const [i, item] of items.entries()) expect(item).toBe(first?.[i]);
    }
    expect(new Set(idsOf(first ?? []))).toEqual(
      new Set(Array.from({ length: 30 }, (_, i) => `fan-${i}`)),
    );

    const newestFirst = allPages(hub, slug);
    expect(newestFirst).toHaveLength(30);
    // The log keeps the order this process read the posts in.
    expect(idsOf(newestFirst)).toEqual(idsOf(first ?? []).reverse());
    const traffic = allPages(hub, slug, ["traffic"]);
    expect(traffic).toHaveLength(10);
    expect(traffic.every((item) => item.post.label === "traffic")).toBe(true);

    // Resuming after the tenth newest replays the nine after it, in order, and goes on live.
    const tenth = newestFirst[9];
    if (!tenth) throw new Error("missing item");
    const resumed: TopicPost[] = [];
    listen(hub, slug, (item) => resumed.push(item), onEnd, { after: tenth.cursor });
    expect(idsOf(resumed)).toEqual(idsOf(newestFirst.slice(0, 9)).reverse());
    const resumedTraffic: TopicPost[] = [];
    listen(hub, slug, (item) => resumedTraffic.push(item), onEnd, {
      after: tenth.cursor,
      labels: ["traffic"],
    });
    expect(resumedTraffic.length).toBeGreaterThan(0);
    expect(resumedTraffic.every((i) => i.post.label === "traffic")).toBe(true);
    expect(() => listen(hub, slug, onEnd, onEnd, { after: "not-a-cursor" })).toThrow(RangeError);

    const now = Date.now();
    const stats = hub.stats(slug, 5, now);
    expect(stats.buckets).toHaveLength(5);
    expect(stats.buckets.at(-1)?.minute).toBe(Math.floor(now / MINUTE) * MINUTE);
    expect(stats.totals).toEqual({ traffic: 10, nonTraffic: 20, notClassified: 0 });

    await hub.stop();
    expect(ended).toBe(1003);
    expect(hub.subscriberCount).toBe(0);
    expect(hub.history(slug, { first: 10 }).items).toEqual([]);
  });

  it("drops a post the pipeline delivered twice, live and in history and stats", async () => {
    const slug = uniqueName("dup");
    await createTopic(slug, 2);
    const duplicates: string[] = [];
    const hub = new PostHub({
      kafka,
      logger,
      onDuplicate: (item) => duplicates.push(item.post.id),
    });
    hubs.push(hub);
    // One post already twice in Kafka before the hub starts (read back at warm-up)...
    await writePosts(slug, "dup", 0, 1);
    await writePosts(slug, "dup", 0, 1);
    await hub.start(new Set([slug]));
    const live: string[] = [];
    listen(
      hub,
      slug,
      (item) => live.push(item.post.id),
      () => undefined,
    );
    // ...and live repeats, as a classifier re-labelling its batch after a crash writes them.
    await writePosts(slug, "dup", 1, 4);
    await writePosts(slug, "dup", 1, 4);
    await writePosts(slug, "dup", 4, 5);
    await waitFor(() => (live.includes("dup-4") ? true : undefined), { what: "the last post" });
    expect(live.sort()).toEqual(["dup-1", "dup-2", "dup-3", "dup-4"]);
    expect(duplicates.sort()).toEqual(["dup-0", "dup-1", "dup-2", "dup-3"]);
    expect(idsOf(allPages(hub, slug)).sort()).toEqual([
      "dup-0",
      "dup-1",
      "dup-2",
      "dup-3",
      "dup-4",
    ]);
    const { totals } = hub.stats(slug, 5, Date.now());
    expect(totals.traffic + totals.nonTraffic).toBe(5);
  });

  it("dead-letters a malformed record and keeps going", async () => {
    const slug = uniqueName("bad");
    await createTopic(slug, 1);
    const hub = newHub();
    await hub.start(new Set([slug]));
    const seen: TopicPost[] = [];
    listen(
      hub,
      slug,
      (item) => seen.push(item),
      () => undefined,
    );

    await producer.send([{ topic: topics.user(slug), key: "garbage", value: "{not json" }]);
    await writePosts(slug, "ok", 0, 1);
    await waitFor(() => (seen.length >= 1 ? true : undefined), { what: "the valid post" });
    expect(idsOf(seen)).toEqual(["ok-0"]);

    const letters: string[] = [];
    consumers.push(
      await kafka.startConsumer({
        groupId: uniqueName("dlq"),
        topics: [topics.deadLetter],
        fromBeginning: true,
        decode: (raw) => raw,
        onBatch: async (records) => {
          for (const { value } of records) {
            if (value.headers[DEAD_LETTER_HEADERS.topic] === topics.user(slug)) {
              letters.push(value.headers[DEAD_LETTER_HEADERS.reason] ?? "");
            }
          }
        },
      }),
    );
    await waitFor(() => (letters.length >= 1 ? true : undefined), { what: "the dead letter" });
    expect(letters).toEqual(["invalid-json"]);
  });

  it("warms history and stats from Kafka at start, without replaying them live", async () => {
    const slug = uniqueName("warm");
    await createTopic(slug, 2);
    for (let batch = 0; batch < 5; batch++) {
      await writePosts(slug, "warm", batch * 10, batch * 10 + 10);
      await sleep(5);
    }
    const hub = newHub(20);
    await hub.start(new Set([slug]));
    const live: TopicPost[] = [];
    listen(
      hub,
      slug,
      (item) => live.push(item),
      () => undefined,
    );

    // The log holds each partition's newest 10 (its share of 20).
    const history = allPages(hub, slug);
    const ranges = await kafka.offsetRanges(topics.user(slug));
    expect(history).toHaveLength(ranges.reduce((sum, p) => sum + Math.min(Number(p.high), 10), 0));
    for (const { partition, high } of ranges) {
      const offsets = history.filter((i) => i.partition === partition).map((i) => i.offset);
      expect(offsets.every((offset) => offset >= BigInt(high) - 10n)).toBe(true);
    }
    expect(hub.stats(slug, 60).totals).toEqual({ traffic: 17, nonTraffic: 33, notClassified: 0 });

    await writePosts(slug, "fresh", 0, 1);
    await waitFor(() => (live.length >= 1 ? true : undefined), { what: "a live post" });
    expect(idsOf(live)).toEqual(["fresh-0"]);
    expect(hub.history(slug, { first: 1 }).items[0]).toBe(live[0]);
    expect(hub.stats(slug, 60).totals).toEqual({ traffic: 18, nonTraffic: 33, notClassified: 0 });

    // A smaller stats read-back: each partition starts at its share of history (10 records).
    const bounded = newHub(20, 10);
    await bounded.start(new Set([slug]));
    const perPartition = await kafka.offsetRanges(topics.user(slug));
    const expected = perPartition.reduce((sum, p) => sum + Math.min(Number(p.high), 10), 0);
    expect(expected).toBeLessThan(51);
    const totals = bounded.stats(slug, 60).totals;
    expect(totals.traffic + totals.nonTraffic).toBe(expected);
    const boundedHistory = bounded.history(slug, { first: 20 }).items;
    expect(boundedHistory).toHaveLength(expected);
    for (const { partition, high } of perPartition) {
      const offsets = boundedHistory.filter((i) => i.partition === partition).map((i) => i.offset);
      expect(offsets.every((offset) => offset >= BigInt(high) - 10n)).toBe(true);
    }
  });

  it("follows topic changes without losing or repeating posts of the topics that stay", async () => {
    const keep = uniqueName("keep");
    const added = uniqueName("added");
    const later = uniqueName("later");
    const gone = uniqueName("gone");
    await Promise.all([keep, added, later, gone].map((slug) => createTopic(slug)));
    await writePosts(added, "early", 0, 5);
    const hub = newHub();
    await hub.start(new Set([keep, gone]));

    const kept: string[] = [];
    listen(
      hub,
      keep,
      (item) => kept.push(item.post.id),
      () => undefined,
    );
    let goneEnded = 0;
    listen(
      hub,
      gone,
      () => undefined,
      () => goneEnded++,
    );
    await writePosts(gone, "gone", 0, 3);

    // Posts keep coming to `keep` while the consumer restarts twice.
    let sent = 0;
    const producing = new AbortController();
    const loop = (async () => {
      while (!producing.signal.aborted) {
        await writePosts(keep, "keep", sent, sent + 2);
        sent += 2;
        await sleep(20);
      }
    })();
    await waitFor(() => (kept.length >= 6 ? true : undefined), { what: "posts before the change" });

    const first = hub.setTopics(new Set([keep, added]));
    expect(goneEnded).toBe(1);
    expect(hub.history(gone, { first: 10 }).items).toEqual([]);
    const second = hub.setTopics(new Set([keep, added, later]));
    const sentBefore = sent;
    await Promise.all([first, second]);
    expect(sent).toBeGreaterThan(sentBefore); // posts were written during the restarts

    expect(idsOf(allPages(hub, added)).sort()).toEqual(
      Array.from({ length: 5 }, (_, i) => `early-${i}`),
    );
    const addedLive: string[] = [];
    const laterLive: string[] = [];
    listen(
      hub,
      added,
      (item) => addedLive.push(item.post.id),
      () => undefined,
    );
    listen(
      hub,
      later,
      (item) => laterLive.push(item.post.id),
      () => undefined,
    );
    await writePosts(added, "added", 0, 3);
    await writePosts(later, "later", 0, 2);
    await waitFor(() => (addedLive.length >= 3 && laterLive.length >= 2 ? true : undefined), {
      what: "posts of the added topics",
    });
    expect(addedLive.sort()).toEqual(["added-0", "added-1", "added-2"]);
    expect(laterLive.sort()).toEqual(["later-0", "later-1"]);

    await sleep(200);
    producing.abort();
    await loop;
    await waitFor(() => (kept.length >= sent ? true : undefined), { what: "every kept post" });
    await sleep(500);
    expect(kept).toHaveLength(sent);
    expect(new Set(kept)).toEqual(new Set(Array.from({ length: sent }, (_, i) => `keep-${i}`)));
    expect(allPages(hub, keep)).toHaveLength(sent);

    let endedAtOnce = false;
    listen(
      hub,
      gone,
      () => undefined,
      () => (endedAtOnce = true),
    );
    await sleep(0);
    expect(endedAtOnce).toBe(true);
    await expect(hub.setTopics(new Set(["Not A Slug"]))).rejects.toThrow(RangeError);
  });

  it("leaves out a topic missing from Kafka and picks it up once it exists", async () => {
    const present = uniqueName("present");
    const absent = uniqueName("absent");
    await createTopic(present, 1);
    const hub = newHub();
    await hub.start(new Set([present, absent]));
    const live: string[] = [];
    let ended = false;
    listen(
      hub,
      present,
      (item) => live.push(item.post.id),
      () => undefined,
    );
    listen(
      hub,
      absent,
      (item) => live.push(item.post.id),
      () => (ended = true),
    );
    await writePosts(present, "present", 0, 1);
    await waitFor(() => (live.length >= 1 ? true : undefined), {
      what: "the present topic's post",
    });

    await createTopic(absent, 1);
    await writePosts(absent, "absent", 0, 2);
    await waitFor(() => (hub.history(absent, { first: 5 }).items.length >= 2 ? true : undefined), {
      what: "the late topic's posts",
    });
    expect(ended).toBe(false);
    // Its subscriber was there before the posts were written: they are new to it.
    await waitFor(() => (live.length >= 3 ? true : undefined), {
      what: "the late topic's posts live",
    });
    expect(live.sort()).toEqual(["absent-0", "absent-1", "present-0"]);
  });

  it("reads on when a topic's offsets cannot be read (deleted under it), and retries that topic", async () => {
    const steady = uniqueName("steady");
    const flaky = uniqueName("flaky");
    await createTopic(steady, 1);
    await createTopic(flaky, 1);
    // kafkajs fails this way for a topic deleted (or not yet in metadata)
    // between the hub's listTopics and its offset calls.
    let failures = 1;
    class VanishingKafka extends KafkaClient {
      override async offsetsAtTime(topic: string, timestamp: number) {
        if (topic === topics.user(flaky) && failures-- > 0) {
          throw new TypeError("Cannot destructure property 'partitions' of 'offsets.pop(...)'");
        }
        return super.offsetsAtTime(topic, timestamp);
      }
    }
    const vanishing = new VanishingKafka({
      brokers: inject("kafkaBrokers").split(","),
      clientId: uniqueName("hub-test"),
      logger,
      topics,
    });
    const hub = new PostHub({ kafka: vanishing, logger });
    try {
      await hub.start(new Set([steady]));
      await hub.setTopics(new Set([steady, flaky]));
      const live: string[] = [];
      listen(
        hub,
        steady,
        (item) => live.push(item.post.id),
        () => undefined,
      );
      await writePosts(steady, "steady", 0, 1);
      await waitFor(() => (live.length >= 1 ? true : undefined), {
        what: "the steady topic's post",
      });

      await writePosts(flaky, "flaky", 0, 2);
      await waitFor(() => (hub.history(flaky, { first: 5 }).items.length >= 2 ? true : undefined), {
        what: "the flaky topic's posts, after a retry",
        timeoutMs: 30_000,
      });
      expect(failures).toBeLessThan(0);
    } finally {
      await hub.stop();
      await vanishing.close();
    }
  }, 60_000);

  it("takes posts deleted at their source out of the history, live and after a restart", async () => {
    const slug = uniqueName("deleted");
    await createTopic(slug);
    const hub = newHub();
    await hub.start(new Set([slug]));
    const heard: string[] = [];
    hub.onDeleted(slug, (id) => heard.push(id));
    const live: string[] = [];
    listen(
      hub,
      slug,
      (item) => live.push(item.post.id),
      () => undefined,
    );
    await writePosts(slug, "del", 0, 10);
    await waitFor(() => (allPages(hub, slug).length === 10 ? true : undefined), {
      what: "10 posts in the history",
    });

    const deletion = (id: string) => ({
      topic: topics.deleted,
      key: id,
      value: encodeMessage(PostDeleted, { v: 1, id, source: "bluesky", deletedAt: Date.now() }),
    });
    // del-3 is in the history; del-20's deletion overtakes the post itself.
    await producer.send([deletion("del-3"), deletion("del-20")]);
    await waitFor(() => (heard.length > 0 ? true : undefined), { what: "the deletion" });
    expect(heard).toEqual(["del-3"]);
    expect(idsOf(allPages(hub, slug))).not.toContain("del-3");
    expect(allPages(hub, slug)).toHaveLength(9);

    await writePosts(slug, "del", 20, 22);
    await waitFor(() => (live.includes("del-21") ? true : undefined), { what: "del-21" });
    expect(live).not.toContain("del-20");
    expect(idsOf(allPages(hub, slug)).sort()).toEqual(
      [0, 1, 2, 4, 5, 6, 7, 8, 9, 21].map((i) => `del-${i}`).sort(),
    );

    // A process started later reads the deletions back before it serves the history.
    const later = newHub();
    await later.start(new Set([slug]));
    await waitFor(() => (allPages(later, slug).length === 10 ? true : undefined), {
      what: "the history read back",
    });
    expect(idsOf(allPages(later, slug)).sort()).toEqual(idsOf(allPages(hub, slug)).sort());
  });

  it("replaces an edited post's earlier versions, whether the edit or its deletion comes first", async () => {
    const slug = uniqueName("edited");
    await createTopic(slug);
    const hub = newHub();
    await hub.start(new Set([slug]));
    const heard: [string, string | undefined][] = [];
    hub.onDeleted(slug, (id, editedAt) => heard.push([id, editedAt]));
    await writePosts(slug, "ed", 0, 3);
    await waitFor(() => (allPages(hub, slug).length === 3 ? true : undefined), {
      what: "3 posts in the history",
    });
    const editedAt = "2026-12-03T09:00:00.000Z";
    const edited = (id: string) => {
      const post: ClassifiedPost = { ...classifiedPost(id, "traffic", slug), editedAt };
      return { topic: topics.user(slug), key: id, value: encodeMessage(ClassifiedPost, post) };
    };
    const deletion = (id: string, at?: string) => {
      const value: PostDeleted = { v: 1, id, source: "mastodon", deletedAt: Date.now() };
      if (at !== undefined) value.editedAt = at;
      return { topic: topics.deleted, key: id, value: encodeMessage(PostDeleted, value) };
    };
    // ed-0: the deletion of its first version comes first, as it usually does.
    await producer.send([deletion("ed-0", editedAt)]);
    await waitFor(() => (heard.length >= 1 ? true : undefined), { what: "ed-0's first version" });
    await producer.send([edited("ed-0")]);
    // ed-1: its new version comes first; the deletion then takes only the old one.
    await producer.send([edited("ed-1")]);
    await waitFor(
      () => (allPages(hub, slug).filter((i) => i.post.editedAt).length >= 2 ? true : undefined),
      { what: "both new versions" },
    );
    await producer.send([deletion("ed-1", editedAt)]);
    await waitFor(() => (heard.length >= 2 ? true : undefined), { what: "ed-1's first version" });

    const versions = allPages(hub, slug).map((i) => `${i.post.id} ${i.post.editedAt ?? "-"}`);
    expect(versions.sort()).toEqual([`ed-0 ${editedAt}`, `ed-1 ${editedAt}`, "ed-2 -"]);
    expect(heard).toEqual([
      ["ed-0", editedAt],
      ["ed-1", editedAt],
    ]);
    // An edit is not another post in the counts.
    const { totals } = hub.stats(slug, 60);
    expect(totals.traffic + totals.nonTraffic + totals.notClassified).toBe(3);

    // Deleting an edited post takes its every version.
    await producer.send([deletion("ed-1")]);
    await waitFor(() => (heard.length >= 3 ? true : undefined), { what: "ed-1 deleted" });
    expect(heard.at(-1)).toEqual(["ed-1", undefined]);
    expect(idsOf(allPages(hub, slug)).sort()).toEqual(["ed-0", "ed-2"]);
  });
});
