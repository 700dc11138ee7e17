// Throughput of topic matching: 1,000 rules over 10,000 synthetic posts, with
// the TopicMatcher's term index against evaluating every compiled rule.
// Run: npx vitest bench --run --project 'text (bench)' packages/text/src/rules
import { test } from "vitest";
import { compileRule } from "./compile-rule.ts";
import { prepareText } from "./prepared-text.ts";
import { TopicMatcher } from "./topic-matcher.ts";

const RULES = 1000;
const POSTS = 10_000;
const VOCABULARY = 20_000;

// mulberry32: a seeded generator keeps every run on the same data.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(42);
const word = (rank: number): string => `w${rank.toString(36)}`;
// Zipf-like ranks, as in real text: a few words are everywhere.
const zipfWord = (): string => word(Math.floor(VOCABULARY ** next()));
// Topics name fairly specific words, not the commonest ones.
const topicWord = (): string => word(30 + Math.floor(next() * 3000));

const templates: (() => string)[] = [
  () => `${topicWord()} OR ${topicWord()} OR ${topicWord()}`,
  () => `(${topicWord()} OR ${topicWord()}) ${topicWord()} -${topicWord()}`,
  () => `"${topicWord()} ${topicWord()}" OR #${topicWord()}`,
  () => `${topicWord()} ${topicWord()} lang:id`,
  () =>
    `(${topicWord()} OR ${topicWord()} OR "${topicWord()} ${topicWord()}") ` +
    `(${topicWord()} OR ${topicWord()}) -(${topicWord()} OR ${topicWord()}) lang:id`,
];
const rules = Array.from({ length: RULES }, (_, i) => {
  const template = templates[i % templates.length] ?? (() => "a");
  return { slug: `topic-${i}`, rule: template() };
});
const posts = Array.from({ length: POSTS }, () => {
  const words = Array.from({ length: 8 + Math.floor(next() * 25) }, () =>
    next() < 0.05 ? `#${zipfWord()}` : zipfWord(),
  );
  return { text: `${words.join(" ")} https://t.co/x @user`, lang: next() < 0.7 ? "in" : "en" };
});

const matcher = new TopicMatcher();
for (const { slug, rule } of rules) matcher.set(slug, rule);
const compiled = rules.map(({ slug, rule }) => ({ slug, test: compileRule(rule) }));

// Each of the three takes its 64 samples, up to a minute for the slowest.
test(`${RULES} rules × ${POSTS} posts`, { timeout: 600_000 }, async ({ bench }) => {
  await bench.compare(
    bench("prepareText only", () => {
      for (const { text, lang } of posts) prepareText(text, lang);
    }),
    bench("every compiled rule per post (no index)", () => {
      for (const { text, lang } of posts) {
        const post = prepareText(text, lang);
        const slugs: string[] = [];
        for (const { slug, test: matches } of compiled) if (matches(post)) slugs.push(slug);
        slugs.sort();
      }
    }),
    bench("TopicMatcher.match (term index)", () => {
      for (const { text, lang } of posts) matcher.match(text, lang);
    }),
  );
});
