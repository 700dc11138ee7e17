/**
 * Topic rules: a subset of the X (Twitter) API v2 filtered-stream rule syntax.
 *
 * Syntax
 * - `macet`             keyword: one word, a run of unicode letters, marks, digits and `_`.
 *                       Case does not matter. A bare word with inner `-` or `'` (`jalan-jalan`,
 *                       `jum'at`) means the phrase of its parts, as X splits words at punctuation.
 * - `"jalan tol"`       phrase: the quoted text is tokenized exactly like a post (punctuation,
 *                       URLs and @mentions inside are ignored); no escapes. Must have a word.
 * - `#lalinSMG`         hashtag: `#` then letters, digits, `_`.
 * - `lang:id`           language: a BCP 47 range (`id`, `en`, `en-GB`, `und`).
 * - `a b`               AND (juxtaposition; a space is optional next to `(`, `)` and quotes).
 * - `a OR b`            OR, only in uppercase (`or` is a keyword). AND binds tighter:
 *                       `a OR b c` is `a OR (b c)`.
 * - `-x`                NOT, written directly before a keyword, phrase, hashtag, `lang:` or
 *                       group: `-banjir`, `-"car free day"`, `-#cfd`, `-lang:en`, `-(a OR b)`.
 *                       `--a` and `- a` are errors; use `-(-a)`.
 * - `( ... )`           grouping.
 * Errors (RuleSyntaxError, with a 0-based UTF-16 `position`): more than MAX_RULE_LENGTH (1,024)
 * characters, an empty rule, `()`, a dangling or leading `OR`, unbalanced `(`/`)`/`"`, an empty
 * phrase, a lone `-`, `@mention`, `$cashtag`, any operator other than `lang:` (`foo:bar`), other
 * punctuation in a keyword. Like X, a rule needs a non-negated keyword, phrase or hashtag; we
 * also require one in every `OR` alternative (`a OR -b` and `a OR lang:id` are refused), so no
 * rule matches almost every post and every rule has terms a matcher can index.
 *
 * Matching
 * - A post is tokenized once (`prepareText`): lowercased, URLs (`http://`, `https://`, `www.`)
 *   and @mentions dropped, the rest split into words at every character that is not a
 *   letter, mark, digit or `_`. `#Macet` gives the hashtag `macet` and also the word `macet`.
 * - A keyword matches a whole word, never a substring: `macet` matches "Macet!", "#macet" and
 *   "macet-macetan", not "kemacetan". A hashtag matches only a hashtag.
 * - A phrase matches consecutive words ("#jalan tol" counts, since the hashtag gives a word).
 * - `lang:` compares canonical tags case-insensitively with RFC 4647 basic filtering:
 *   `lang:id` matches posts in `id` and `id-ID`; `lang:en-gb` matches `en-GB` but not `en`.
 *   X's retired codes are folded (`in` → `id`, `iw` → `he`, `ji` → `yi`, `jw` → `jv`), because X
 *   labels Indonesian posts `in`.
 * - No Unicode normalization (NFC/NFKC) is applied to either side.
 */
export { compileRule, type PostPredicate } from "./compile-rule.ts";
export { parseRule, validateRule } from "./parse-rule.ts";
export { prepareText, type PreparedText } from "./prepared-text.ts";
export { requiredTerms } from "./required-terms.ts";
export { printRule } from "./print-rule.ts";
export { normalizeRule, type RuleNode } from "./rule-node.ts";
export { RuleSyntaxError } from "./rule-syntax-error.ts";
export { TopicMatcher } from "./topic-matcher.ts";
