// Keeps X's filtered-stream rules equal to the catalogue: one rule per topic,
// value = the topic's rule text, tag = its slug.
import type { Logger } from "@tweetream/shared";
import type { TopicRules } from "./source.ts";
import { XRulesResponse, describeProblems, type XProblem, type XStreamRule } from "./x-payload.ts";

/** A rule to create: X's `value` and `tag`. */
export interface WantedRule {
  value: string;
  tag: string;
}

/** The rules endpoints, as the source calls them through twitter-api-v2. */
export interface RulesApi {
  list(): Promise<unknown>;
  add(rules: WantedRule[]): Promise<unknown>;
  delete(ids: string[]): Promise<unknown>;
}

/** Counters the rule sync adds to. */
export interface RuleSyncStats {
  ruleAdds: number;
  ruleDeletes: number;
  ruleErrors: number;
}

/** What to change so `current` becomes exactly one rule per topic. */
export interface RulePlan {
  add: WantedRule[];
  deleteIds: string[];
  /** Slugs whose rule text is empty (X would reject it). */
  skipped: string[];
}

/**
 * Plans a sync: keeps a rule whose tag is a topic and whose value is that
 * topic's rule text (the first such, if X holds duplicates), deletes every
 * other rule and adds what is missing. Rule texts are trimmed so a stray space
 * never makes the plan differ from what X stores.
 */
export function planRuleSync(current: readonly XStreamRule[], topics: TopicRules): RulePlan {
  const wanted = new Map<string, string>();
  const skipped: string[] = [];
  for (const [slug, rule] of topics) {
    const value = rule.trim();
    if (value) wanted.set(slug, value);
    else skipped.push(slug);
  }
  const kept = new Set<string>();
  const deleteIds: string[] = [];
  for (const rule of current) {
    const tag = rule.tag;
    if (tag !== undefined && wanted.get(tag) === rule.value && !kept.has(tag)) kept.add(tag);
    else deleteIds.push(rule.id);
  }
  const add = [...wanted]
    .filter(([slug]) => !kept.has(slug))
    .map(([tag, value]) => ({ value, tag }));
  return { add, deleteIds, skipped };
}

/**
 * Brings X's rules in line with `topics` (idempotent: no write when they
 * already match). Rules X refuses (invalid, duplicate) are logged and counted,
 * never thrown; failures to reach X are thrown.
 */
export async function syncRules(
  api: RulesApi,
  topics: TopicRules,
  { logger, stats }: { logger: Logger; stats: RuleSyncStats },
): Promise<void> {
  const current = XRulesResponse.parse(await api.list()).data ?? [];
  const plan = planRuleSync(current, topics);
  for (const slug of plan.skipped) {
    logger.warn({ topic: slug }, "topic has an empty rule; no X stream rule for it");
  }
  let deleted = 0;
  if (plan.deleteIds.length > 0) {
    const response = XRulesResponse.parse(await api.delete(plan.deleteIds));
    const problems = response.errors ?? [];
    deleted =
      response.meta?.summary?.deleted ?? Math.max(0, plan.deleteIds.length - problems.length);
    reportProblems(problems, "X refused to delete stream rules", logger, stats);
  }
  const first = await addRules(api, plan.add, logger, stats);
  let added = first.count;
  // X may refuse a whole batch for one bad rule; retry the innocent ones alone.
  if (plan.add.length > 1) {
    for (const rule of first.unanswered)
      added += (await addRules(api, [rule], logger, stats)).count;
  }
  stats.ruleDeletes += deleted;
  stats.ruleAdds += added;
  if (deleted > 0 || plan.add.length > 0) {
    logger.info(
      { added, deleted, wanted: topics.size, ruleErrors: stats.ruleErrors },
      "X stream rules synced",
    );
  }
}

async function addRules(
  api: RulesApi,
  rules: WantedRule[],
  logger: Logger,
  stats: RuleSyncStats,
): Promise<{ count: number; unanswered: WantedRule[] }> {
  if (rules.length === 0) return { count: 0, unanswered: [] };
  const response = XRulesResponse.parse(await api.add(rules));
  const problems = response.errors ?? [];
  reportProblems(problems, "X refused stream rules", logger, stats);
  const answered = new Set<string>([
    ...(response.data ?? []).map((rule) => rule.value),
    ...problems.flatMap((problem) => (problem.value === undefined ? [] : [problem.value])),
  ]);
  return {
    count: response.data?.length ?? 0,
    unanswered: rules.filter((rule) => !answered.has(rule.value)),
  };
}

function reportProblems(
  problems: readonly XProblem[],
  message: string,
  logger: Logger,
  stats: RuleSyncStats,
): void {
  if (problems.length === 0) return;
  stats.ruleErrors += problems.length;
  // One line per sync, however many rules were refused.
  logger.warn(
    {
      problems: problems.slice(0, 20).map((p) => ({
        title: p.title,
        value: p.value,
        details: p.details,
        detail: p.detail,
      })),
      count: problems.length,
      summary: describeProblems(problems.slice(0, 3)),
    },
    message,
  );
}
