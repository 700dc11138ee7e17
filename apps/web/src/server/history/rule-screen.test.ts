import fc from "fast-check";
import { compileRule, parseRule, prepareText, type RuleNode } from "@tweetream/text";
import { describe, expect, it } from "vitest";
import { RuleScreen } from "./rule-screen.ts";

/** Record values as a batch would hold them: each after a few framing bytes. */
function batchOf(values: readonly string[]): { bytes: Buffer; spans: [number, number][] } {
  const parts: Buffer[] = [];
  const spans: [number, number][] = [];
  let at = 0;
  for (const value of values) {
    const frame = Buffer.from([0x10, 0x00, 0x02]);
    const bytes = Buffer.from(value, "utf8");
    parts.push(frame, bytes, Buffer.from([0x00]));
    spans.push([at + frame.length, at + frame.length + bytes.length]);
    at += frame.length + bytes.length + 1;
  }
  return { bytes: Buffer.concat(parts), spans };
}

function screened(rule: string | RuleNode, values: readonly string[]): boolean[] {
  const screen = RuleScreen.for(typeof rule === "string" ? parseRule(rule) : rule);
  if (!screen) throw new Error("no screen");
  const { bytes, spans } = batchOf(values);
  screen.batch(bytes, 0, bytes.length);
  return spans.map(([start, end]) => screen.mayMatch(start, end));
}

const json = (text: string) => JSON.stringify({ id: "1", text, lang: "id" });
/** JSON as writers that escape every non-ASCII character (Python's default) write it. */
const asciiJson = (text: string) =>
  json(text).replace(
    /[^\p{ASCII}]/gu,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );

describe("RuleScreen", () => {
  it("evaluates the rule on the words each record holds", () => {
    expect(
      screened("macet OR (lalin padat)", [
        json("MACET total"),
        json("lalin lancar"),
        json("Lalin PADAT merayap"),
        json("padat karya"),
        json("jalan lengang"),
      ]),
    ).toEqual([true, false, true, false, false]);
    // Negations and languages pass; a word in another record does not count.
    expect(screened("jalan -tol lang:en", [json("jalan tol"), json("tol"), json("JALAN")])).toEqual(
      [true, false, true],
    );
    // A word that contains another one credits it; overlapping words are both found.
    expect(screened("lalin lalinsmg", [json("#LalinSMG"), json("lalinsm")])).toEqual([true, false]);
    expect(screened("abab baba", [json("ababa"), json("abab")])).toEqual([true, false]);
    // JSON writes a newline as "\n", which runs into the next word: "\nlalin"
    // holds the rule's "nlalin" and its "lalin", the post's word.
    expect(screened("lalin (nlalin OR tol)", [json("tol\nlalin")])).toEqual([true]);
  });

  it("finds a word wherever it starts, across the pieces a batch is searched in", () => {
    // The batch is searched 32 KiB at a time: put the word across the first seam.
    for (let at = 32_760; at <= 32_770; at++) {
      // batchOf puts 3 framing bytes first; json() 18 before the text.
      const text = `${" ".repeat(at - 3 - 18)}MaCeT lancar`;
      const { bytes } = batchOf([json(text)]);
      expect(bytes.indexOf("MaCeT")).toBe(at);
      expect(screened("macet", [json(text)])).toEqual([true]);
      expect(screened("lancar -macet", [json(text)])).toEqual([true]);
      expect(screened("macet padat", [json(text)])).toEqual([false]);
    }
  });

  it("lets through what it cannot read: the Kelvin sign and \\u escapes", () => {
    // "K" (U+212A) lowercases to "k": the post holds the word "kemacetan".
    expect(screened("kemacetan", [json("\u212AEMACETAN"), json("kemacetan"), json("x")])).toEqual([
      true,
      true,
      false,
    ]);
    expect(
      screened("kemacetan", [asciiJson("\u212Aemacetan"), '{"text":"\\u006bemacetan"}']),
    ).toEqual([true, true]);
  });

  it("has no screen for a rule without an ASCII word", () => {
    expect(RuleScreen.for(parseRule("café OR jalán"))).toBeUndefined();
  });

  it("never rules out a post the rule matches", () => {
    // Words that contain others, and words that a JSON escape ("\n", "\t", "\u…")
    // runs into: "\nlalin" holds "nlalin" and "lalin".
    const words = [
      "macet",
      "lalin",
      "lalinsmg",
      "nlalin",
      "tol",
      "ttol",
      "km_12",
      "ab",
      "aba",
      "café",
    ];
    const word = fc.constantFrom(...words);
    const positive = fc.oneof(
      word.map((value): RuleNode => ({ type: "keyword", value })),
      word.map((value): RuleNode => ({ type: "hashtag", value })),
      fc
        .array(word, { minLength: 1, maxLength: 3 })
        .map((w): RuleNode => ({ type: "phrase", words: w })),
    );
    const { rule } = fc.letrec<{ rule: RuleNode }>((tie) => ({
      rule: fc.oneof(
        { maxDepth: 4, depthIdentifier: "rule" },
        positive,
        fc
          .array(tie("rule"), { minLength: 2, maxLength: 3 })
          .map((children): RuleNode => ({ type: "and", children })),
        fc
          .array(tie("rule"), { minLength: 2, maxLength: 3 })
          .map((children): RuleNode => ({ type: "or", children })),
        tie("rule").map((child): RuleNode => ({ type: "not", child })),
      ),
    }));
    const piece = fc.oneof(
      fc.constantFrom(
        ...words,
        "MACET",
        "Jalan",
        "LaLiN",
        "\u212Am_12",
        "#",
        "-",
        "İ",
        "😀",
        "é",
        "\n",
        "\t",
        '"',
        "\\",
      ),
      fc.string({ maxLength: 4 }),
    );
    const text = fc
      .tuple(fc.array(piece, { maxLength: 12 }), fc.constantFrom(" ", "", ".", "#"))
      .map(([pieces, gap]) => pieces.join(gap));
    fc.assert(
      fc.property(
        rule,
        fc.array(text, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (node, texts, ascii) => {
          const screen = RuleScreen.for(node);
          if (!screen) return;
          const predicate = compileRule(node);
          const { bytes, spans } = batchOf(texts.map(ascii ? asciiJson : json));
          screen.batch(bytes, 0, bytes.length);
          texts.forEach((t, i) => {
            const [start, end] = spans[i] ?? [0, 0];
            const passes = screen.mayMatch(start, end);
            if (predicate(prepareText(t, "id"))) expect(passes).toBe(true);
          });
        },
      ),
      { numRuns: 3000 },
    );
  });
});
