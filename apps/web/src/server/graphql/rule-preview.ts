// `previewRule` (query and subscription): admins only, a valid rule and
// range, the caller's per-address budget, and one of this process's few
// preview slots (each one scans up to millions of Kafka records).
import { validateRule } from "@tweetream/text";
import type { Maybe, PreviewPost, RulePreview } from "../generated/graphql.ts";
import {
  MAX_PREVIEW_SAMPLE,
  type RulePreviewer,
  type RulePreviewResult,
} from "../history/index.ts";
import { requireAdmin } from "./admin-auth.ts";
import { checkTimeRange } from "./arguments.ts";
import type { GatewayContext } from "./context.ts";
import { badUserInput, historyError } from "./errors.ts";
import { graphqlLabel, graphqlSource } from "./labels.ts";
import { rateLimited } from "./rate-limits.ts";

/** Rule previews of this process, at most `maxConcurrent` at once (WEB_PREVIEW_MAX_CONCURRENT). */
export class RulePreviews {
  #running = 0;

  constructor(
    readonly previewer: Pick<RulePreviewer, "start">,
    readonly maxConcurrent: number,
  ) {}

  /** Takes a slot, or throws RATE_LIMITED when every slot is taken; call the result to give it back. */
  acquire(): () => void {
    if (this.#running >= this.maxConcurrent) {
      throw rateLimited(
        `too many rule previews running on this server (at most ${String(this.maxConcurrent)}); retry in 1 s`,
        1,
      );
    }
    this.#running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
    };
  }
}

export interface PreviewArgs {
  rule: string;
  from?: Maybe<Date>;
  to?: Maybe<Date>;
  first?: Maybe<number>;
}

/**
 * Checks the caller and the arguments, counts the preview against the
 * caller's budget and takes a slot, then checks the range against Kafka.
 * Returns the scan to run and the slot's release, which the caller must call.
 */
export async function startPreview(
  context: GatewayContext,
  args: PreviewArgs,
  onProgress?: (partial: RulePreviewResult) => void,
  signal?: AbortSignal,
): Promise<{ run: () => Promise<RulePreviewResult>; release: () => void }> {
  requireAdmin(context);
  const checked = validateRule(args.rule);
  if (!checked.ok) throw badUserInput("rule", checked.message, checked.position);
  const first = args.first ?? 5;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PREVIEW_SAMPLE) {
    throw badUserInput(
      "first",
      `first must be from 0 to ${String(MAX_PREVIEW_SAMPLE)}, got ${String(first)}`,
    );
  }
  const range = checkTimeRange(args.from, args.to) ?? {};
  await context.consumePreview();
  const release = context.services.previews.acquire();
  try {
    const run = await context.services.previews.previewer.start({
      rule: args.rule,
      from: range.from,
      to: range.to,
      first,
      ...(onProgress && { onProgress }),
      ...(signal && { signal }),
    });
    return { run, release };
  } catch (error) {
    release();
    throw historyError(error);
  }
}

/** A preview's figures as the schema's RulePreview. */
export function rulePreview(result: RulePreviewResult): RulePreview {
  return {
    rule: result.rule,
    from: result.from,
    to: result.to,
    scanned: result.scanned,
    total: result.total,
    matched: result.matched,
    labels: result.labels,
    sample: result.sample.map(({ post, label }): PreviewPost => ({
      id: post.id,
      text: post.text,
      source: graphqlSource(post.source),
      url: post.url ?? null,
      author: post.author,
      createdAt: post.createdAt,
      lang: post.lang,
      topics: post.topics,
      label: label === undefined ? null : graphqlLabel(label),
    })),
    complete: result.complete,
  };
}
