import { MAX_RULE_LENGTH } from "@tweetream/shared/limits";
import { LANGUAGE_RANGE_PATTERN, canonicalLanguageTag } from "./language-tag.ts";
import type { RuleNode } from "./rule-node.ts";
import { RuleSyntaxError } from "./rule-syntax-error.ts";
import { isWordChar, tokenize } from "./tokenize.ts";

// The rule length limit (X's, 1,024) is part of the Kafka contract
// (TopicUpserted.rule), so it lives in @tweetream/shared.
export { MAX_RULE_LENGTH };

type Token =
  | { readonly kind: "(" | ")" | "OR" | "-" | "end"; readonly start: number }
  | { readonly kind: "phrase"; readonly start: number; readonly words: string[] }
  | { readonly kind: "term"; readonly start: number; readonly text: string };

/** What came before a place where a term is required; shapes the error message. */
type Context = { readonly kind: "start" } | { readonly kind: "OR" | "("; readonly at: number };

interface Parsed {
  readonly node: RuleNode;
  readonly anchored: boolean;
  /** Start of the first `OR` alternative inside that has no positive term. */
  readonly blame: number | undefined;
}

const SPACE = /\s/u;

function quote(text: string): string {
  return JSON.stringify(text);
}

/** Reads tokens on demand so the first error in reading order is the one reported. */
class Lexer {
  private pos = 0;
  private peeked: Token | undefined;

  constructor(private readonly src: string) {}

  peek(): Token {
    this.peeked ??= this.lex();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  private lex(): Token {
    const src = this.src;
    let i = this.pos;
    while (i < src.length && SPACE.test(src.charAt(i))) i++;
    const start = i;
    const c = src.charAt(i);
    if (i >= src.length) {
      this.pos = i;
      return { kind: "end", start };
    }
    if (c === "(" || c === ")" || c === "-") {
      this.pos = i + 1;
      return { kind: c, start };
    }
    if (c === '"') {
      const close = src.indexOf('"', i + 1);
      if (close === -1) {
        throw new RuleSyntaxError(
          `expected '"' to close the phrase opened at ${start}`,
          src.length,
        );
      }
      const words = tokenize(src.slice(i + 1, close)).words;
      if (words.length === 0) throw new RuleSyntaxError("empty phrase: it has no words", start);
      this.pos = close + 1;
      return { kind: "phrase", start, words };
    }
    while (i < src.length) {
      const d = src.charAt(i);
      if (d === "(" || d === ")" || d === '"' || SPACE.test(d)) break;
      i++;
    }
    this.pos = i;
    const text = src.slice(start, i);
    return text === "OR" ? { kind: "OR", start } : { kind: "term", start, text };
  }
}

class Parser {
  private readonly lexer: Lexer;
  private negationDepth = 0;
  private positiveTerms = 0;

  constructor(private readonly src: string) {
    this.lexer = new Lexer(src);
  }

  parseRule(): RuleNode {
    const parsed = this.parseOr({ kind: "start" });
    const token = this.lexer.peek();
    if (token.kind === ")") throw new RuleSyntaxError('unmatched ")"', token.start);
    if (!parsed.anchored) {
      if (this.positiveTerms === 0) {
        throw new RuleSyntaxError(
          "a rule needs at least one keyword, phrase or hashtag that is not negated " +
            '(X requires a standalone term; "-" and lang: only narrow a match)',
          0,
        );
      }
      throw new RuleSyntaxError(
        'this "OR" alternative has no keyword, phrase or hashtag that is not negated, ' +
          "so the rule would match almost every post",
        parsed.blame ?? 0,
      );
    }
    return parsed.node;
  }

  private parseOr(context: Context): Parsed {
    const first = this.lexer.peek().start;
    const branches: { parsed: Parsed; start: number }[] = [
      { parsed: this.parseAnd(context), start: first },
    ];
    for (let token = this.lexer.peek(); token.kind === "OR"; token = this.lexer.peek()) {
      this.lexer.next();
      const start = this.lexer.peek().start;
      branches.push({ parsed: this.parseAnd({ kind: "OR", at: token.start }), start });
    }
    const [only] = branches;
    if (branches.length === 1 && only !== undefined) return only.parsed;
    const unanchored = branches.find((b) => !b.parsed.anchored);
    return {
      node: flatten(
        "or",
        branches.map((b) => b.parsed.node),
      ),
      anchored: unanchored === undefined,
      blame: unanchored === undefined ? undefined : (unanchored.parsed.blame ?? unanchored.start),
    };
  }

  private parseAnd(context: Context): Parsed {
    const items: Parsed[] = [];
    for (let token = this.lexer.peek(); ; token = this.lexer.peek()) {
      if (token.kind === "end" || token.kind === ")" || token.kind === "OR") {
        if (items.length === 0) this.missingTerm(token, context);
        break;
      }
      items.push(this.parseUnary());
    }
    const [only] = items;
    if (items.length === 1 && only !== undefined) return only;
    const anchored = items.some((i) => i.anchored);
    return {
      node: flatten(
        "and",
        items.map((i) => i.node),
      ),
      anchored,
      blame: anchored ? undefined : items.find((i) => i.blame !== undefined)?.blame,
    };
  }

  private missingTerm(token: Token, context: Context): never {
    const found = token.kind === "end" ? "" : `, found "${token.kind}"`;
    switch (context.kind) {
      case "start":
        if (token.kind === "end") throw new RuleSyntaxError("the rule is empty", token.start);
        if (token.kind === ")") throw new RuleSyntaxError('unmatched ")"', token.start);
        throw new RuleSyntaxError('"OR" needs a term on its left', token.start);
      case "OR":
        throw new RuleSyntaxError(
          `expected a term after "OR" at ${context.at}${found}`,
          token.start,
        );
      case "(":
        if (token.kind === "end") {
          throw new RuleSyntaxError(`expected ")" to close "(" at ${context.at}`, token.start);
        }
        if (token.kind === ")") throw new RuleSyntaxError('empty group "()"', context.at);
        throw new RuleSyntaxError('"OR" needs a term on its left', token.start);
    }
  }

  private parseUnary(): Parsed {
    const token = this.lexer.peek();
    if (token.kind !== "-") return this.parseAtom();
    this.lexer.next();
    const operand = this.lexer.peek();
    const after = token.start + 1;
    if (operand.kind === "end") {
      throw new RuleSyntaxError(`expected a term after "-" at ${token.start}`, after);
    }
    if (operand.start !== after) {
      throw new RuleSyntaxError(
        `"-" at ${token.start} must be directly followed by a term, without a space`,
        after,
      );
    }
    if (operand.kind === "-" || operand.kind === "OR" || operand.kind === ")") {
      throw new RuleSyntaxError(
        `expected a keyword, phrase, hashtag, lang: or "(" after "-", found "${operand.kind}"`,
        after,
      );
    }
    this.negationDepth++;
    const child = this.parseAtom();
    this.negationDepth--;
    return { node: { type: "not", child: child.node }, anchored: false, blame: undefined };
  }

  private parseAtom(): Parsed {
    const token = this.lexer.next();
    switch (token.kind) {
      case "(": {
        const inner = this.parseOr({ kind: "(", at: token.start });
        const close = this.lexer.next();
        if (close.kind !== ")") {
          throw new RuleSyntaxError(`expected ")" to close "(" at ${token.start}`, close.start);
        }
        return inner;
      }
      case "phrase":
        return this.positive({ type: "phrase", words: token.words });
      case "term":
        return this.parseTerm(token.text, token.start);
      default:
        // parseAnd and parseUnary only call here on a token that starts a term.
        throw new RuleSyntaxError(`unexpected "${token.kind}"`, token.start);
    }
  }

  private positive(node: RuleNode): Parsed {
    if (this.negationDepth === 0) this.positiveTerms++;
    return { node, anchored: true, blame: undefined };
  }

  private parseTerm(text: string, start: number): Parsed {
    if (text.startsWith("#")) {
      const body = text.slice(1);
      if (body === "") throw new RuleSyntaxError('"#" must be followed by the hashtag', start);
      const bad = firstBadChar(body, false);
      if (bad !== undefined) {
        throw new RuleSyntaxError(
          `a hashtag cannot contain ${quote(bad.char)} (only letters, digits and "_")`,
          start + 1 + bad.offset,
        );
      }
      return this.positive({ type: "hashtag", value: body.toLowerCase() });
    }
    if (text.startsWith("@")) {
      throw new RuleSyntaxError("@mentions are not supported in rules", start);
    }
    if (text.startsWith("$")) {
      throw new RuleSyntaxError("$cashtags are not supported in rules", start);
    }
    const colon = text.indexOf(":");
    if (colon > 0 && firstBadChar(text.slice(0, colon), true) === undefined) {
      const name = text.slice(0, colon);
      if (name !== "lang") {
        throw new RuleSyntaxError(
          `unknown operator "${name}:"; the only operator supported is lang: (e.g. lang:id)`,
          start,
        );
      }
      const raw = text.slice(colon + 1);
      const valueAt = start + colon + 1;
      if (raw === "") {
        throw new RuleSyntaxError("lang: needs a language code, e.g. lang:id", valueAt);
      }
      const value = canonicalLanguageTag(raw);
      if (!LANGUAGE_RANGE_PATTERN.test(value)) {
        throw new RuleSyntaxError(
          `${quote(raw)} is not a language code; use a BCP 47 code such as id, en or en-GB`,
          valueAt,
        );
      }
      return { node: { type: "lang", value }, anchored: false, blame: undefined };
    }
    const bad = firstBadChar(text, true);
    if (bad !== undefined) {
      const message = "'’-".includes(bad.char)
        ? `${quote(bad.char)} is only allowed between letters or digits inside a keyword`
        : `a keyword cannot contain ${quote(bad.char)} (use quotes for a phrase)`;
      throw new RuleSyntaxError(message, start + bad.offset);
    }
    // X splits words at punctuation, so "jalan-jalan" or "jum'at" can only
    // ever match as consecutive tokens: read them as the phrase they mean.
    const words = tokenize(text).words;
    const [word] = words;
    if (words.length === 1 && word !== undefined) {
      return this.positive({ type: "keyword", value: word });
    }
    return this.positive({ type: "phrase", words });
  }
}

/**
 * The first code point of `text` that makes it not a word (or, without
 * joiners, not a hashtag body), with its UTF-16 offset.
 */
function firstBadChar(
  text: string,
  allowJoiners: boolean,
): { char: string; offset: number } | undefined {
  const chars = Array.from(text);
  let offset = 0;
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? "";
    if (!isWordChar(char)) {
      const joins =
        allowJoiners &&
        "'’-".includes(char) &&
        isWordChar(chars[i - 1] ?? "") &&
        isWordChar(chars[i + 1] ?? "");
      if (!joins) return { char, offset };
    }
    offset += char.length;
  }
  return undefined;
}

function flatten(type: "and" | "or", nodes: readonly RuleNode[]): RuleNode {
  const children: RuleNode[] = [];
  for (const node of nodes) {
    if (node.type === type) children.push(...node.children);
    else children.push(node);
  }
  return { type, children };
}

/** Parses a rule into its normalized tree; throws RuleSyntaxError on any problem. */
export function parseRule(source: string): RuleNode {
  if (source.length > MAX_RULE_LENGTH) {
    throw new RuleSyntaxError(
      `a rule can be at most ${MAX_RULE_LENGTH} characters long; this one has ${source.length}`,
      MAX_RULE_LENGTH,
    );
  }
  return new Parser(source).parseRule();
}

/** Checks a rule without throwing, for forms that show "at position N: message". */
export function validateRule(
  source: string,
): { ok: true } | { ok: false; position: number; message: string } {
  try {
    parseRule(source);
    return { ok: true };
  } catch (error) {
    if (error instanceof RuleSyntaxError) {
      return { ok: false, position: error.position, message: error.message };
    }
    throw error;
  }
}
