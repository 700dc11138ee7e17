// How many Jetstream messages a second the bluesky source's decoder and
// mapping handle on one core (JSON text in, posts out; no network, no Kafka).
//
//   npx tsx apps/streamer/src/bench/jetstream-decode.ts [--events 20000] [--rounds 7]
//
// The messages are what a `wantedCollections=app.bsky.feed.post` subscription
// carries: mostly post creations (text of Bluesky's typical lengths, a language,
// some with links, mentions and tag facets, some replies), a few deletions, and
// identity and account events. Two rounds warm the JIT up and are not counted;
// each measured round decodes every message once. Prints each round's rate and
// the median and the worst.
import { parseArgs } from "node:util";
import { decodeJetstreamEvent } from "../sources/bluesky/jetstream-event.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    rounds: { type: "string", default: "7" },
  },
});
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const WARMUP_ROUNDS = 2;

// mulberry32: the same messages on every run.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
const WORDS =
  "the a of to and in is it you that for on was with this as have be at not but just so like now today people good new time love get one all will about more what when out from can"
    .split(" ")
    .concat(["macet", "jalan", "banjir", "hujan", "kereta", "😂", "🔥", "Bluesky", "#art"]);
const LANGS = [["en"], ["en"], ["en"], ["ja"], ["pt"], ["de"], ["es"], ["id"], []];

function text(): string {
  // Bluesky posts are short: up to 300 graphemes, most well under half that.
  const words = 3 + Math.floor(next() ** 2 * 45);
  return Array.from({ length: words }, () => pick(WORDS)).join(" ");
}

function did(): string {
  return `did:plc:${Math.floor(next() * 36 ** 10)
    .toString(36)
    .padStart(24, "a")}`;
}

let timeUs = 1_780_000_000_000_000;
function message(i: number): string {
  timeUs += 1_000 + Math.floor(next() * 50_000);
  const author = did();
  const rkey = `3m${(i + 36 ** 10).toString(36)}`;
  const roll = next();
  if (roll < 0.03) {
    return JSON.stringify({
      did: author,
      time_us: timeUs,
      kind: "commit",
      commit: { rev: rkey, operation: "delete", collection: "app.bsky.feed.post", rkey },
    });
  }
  if (roll < 0.06) {
    return JSON.stringify({
      did: author,
      time_us: timeUs,
      kind: pick(["identity", "account"]),
      identity: {
        did: author,
        handle: `user${String(i)}.bsky.social`,
        seq: i,
        time: "2026-12-03T10:00:00.000Z",
      },
    });
  }
  const body = text();
  const record: Record<string, unknown> = {
    $type: "app.bsky.feed.post",
    createdAt: new Date(Math.floor(timeUs / 1000)).toISOString(),
    langs: pick(LANGS),
    text: body,
  };
  if (next() < 0.3) {
    record.facets = [
      {
        $type: "app.bsky.richtext.facet",
        index: { byteStart: 0, byteEnd: 10 },
        features: [
          next() < 0.5
            ? { $type: "app.bsky.richtext.facet#tag", tag: pick(["art", "news", "macet"]) }
            : { $type: "app.bsky.richtext.facet#link", uri: "https://example.com/a/b?c=d" },
        ],
      },
    ];
  }
  if (next() < 0.4) {
    const parent = {
      cid: "bafyreiainko5un5pbcdosvxpbisjnjzemojnry6nsgtdftdgslbu37kxai",
      uri: `at://${did()}/app.bsky.feed.post/3mmojbrjwbs26`,
    };
    record.reply = { parent, root: parent };
  }
  return JSON.stringify({
    did: author,
    time_us: timeUs,
    kind: "commit",
    commit: {
      rev: rkey,
      operation: "create",
      collection: "app.bsky.feed.post",
      rkey,
      record,
      cid: "bafyreicl7rzkxdrm4zz2ehbx52kuk3mvfow6p3gzfys72r5grvskxoswy4",
    },
  });
}

const messages = Array.from({ length: EVENTS }, (_, i) => message(i));
const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m), 0);
const handles = new Map<string, string>();
const handleOf = (d: string) => handles.get(d);
console.log(
  `${EVENTS} messages, ${Math.round(bytes / EVENTS)} bytes each on average; ${WARMUP_ROUNDS} warm-up rounds, ${ROUNDS} measured`,
);

const rates: number[] = [];
let posts = 0;
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  posts = 0;
  const started = process.hrtime.bigint();
  for (const m of messages) {
    const item = decodeJetstreamEvent(m, handleOf);
    if (item.kind === "post") posts++;
    else if (item.kind === "identity") handles.set(item.did, item.handle);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (round >= WARMUP_ROUNDS) {
    const rate = EVENTS / seconds;
    rates.push(rate);
    console.log(
      `round ${String(round - WARMUP_ROUNDS + 1)}: ${Math.round(rate).toLocaleString("en-US")} messages/s`,
    );
  }
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)] ?? 0;
const worst = rates[0] ?? 0;
console.log(
  `median ${Math.round(median).toLocaleString("en-US")} messages/s, worst ${Math.round(worst).toLocaleString("en-US")} (${String(posts)} posts per round)`,
);
