import { compileRule, type PostPredicate } from "./compile-rule.ts";
import { parseRule } from "./parse-rule.ts";
import { prepareText, type PreparedText } from "./prepared-text.ts";
import { requiredTerms } from "./required-terms.ts";

interface Entry {
  readonly slug: string;
  readonly test: PostPredicate;
  /** Undefined: evaluated for every post. */
  readonly triggers: readonly string[] | undefined;
  /** The `match` call that last evaluated this entry, so a post tests it once. */
  seen: number;
}

/**
 * Holds the compiled rules of all topics; `match` returns the sorted slugs
 * whose rule matches. An inverted index from required terms to rules means a
 * post only evaluates rules that share a term with it.
 */
export class TopicMatcher {
  private readonly entries = new Map<string, Entry>();
  private readonly byTerm = new Map<string, Entry[]>();
  private readonly unindexed = new Set<Entry>();
  private round = 0;

  /** Adds or replaces a topic's rule; throws RuleSyntaxError (and keeps the old rule). */
  set(slug: string, rule: string): void {
    const node = parseRule(rule);
    const entry: Entry = {
      slug,
      test: compileRule(node),
      triggers: requiredTerms(node),
      seen: this.round,
    };
    this.delete(slug);
    this.entries.set(slug, entry);
    if (entry.triggers === undefined) {
      this.unindexed.add(entry);
      return;
    }
    for (const term of entry.triggers) {
      const list = this.byTerm.get(term);
      if (list === undefined) this.byTerm.set(term, [entry]);
      else list.push(entry);
    }
  }

  /** Removes a topic; false when there was none. */
  delete(slug: string): boolean {
    const entry = this.entries.get(slug);
    if (entry === undefined) return false;
    this.entries.delete(slug);
    this.unindexed.delete(entry);
    for (const term of entry.triggers ?? []) {
      const list = this.byTerm.get(term) ?? [];
      const rest = list.filter((e) => e !== entry);
      if (rest.length === 0) this.byTerm.delete(term);
      else this.byTerm.set(term, rest);
    }
    return true;
  }

  has(slug: string): boolean {
    return this.entries.has(slug);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The sorted slugs of every topic whose rule matches the post (`hashtags`: see `prepareText`). */
  match(text: string, lang: string, hashtags?: readonly string[]): string[] {
    return this.matchPrepared(prepareText(text, lang, hashtags));
  }

  /** Like `match`, for a post already prepared with `prepareText`. */
  matchPrepared(post: PreparedText): string[] {
    const round = ++this.round;
    const slugs: string[] = [];
    for (const term of post.terms) {
      const list = this.byTerm.get(term);
      if (list === undefined) continue;
      for (const entry of list) {
        if (entry.seen === round) continue;
        entry.seen = round;
        if (entry.test(post)) slugs.push(entry.slug);
      }
    }
    for (const entry of this.unindexed) if (entry.test(post)) slugs.push(entry.slug);
    return slugs.sort();
  }
}
