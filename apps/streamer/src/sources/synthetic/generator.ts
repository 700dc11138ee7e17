import { randomInt } from "node:crypto";
import type { ModelLabel } from "@tweetream/shared";
import type { RawPost } from "../source.ts";
import {
  casualize,
  chatterTemplates,
  englishTemplates,
  undeterminedTemplates,
} from "./chatter-templates.ts";
import { regions } from "./places.ts";
import { Rng } from "./random.ts";
import { officialHandle, officialTemplates, peopleTemplates } from "./traffic-templates.ts";
import { handleOf } from "./words.ts";

/** A generated post and the label its template stands for. */
export interface LabelledPost {
  post: RawPost;
  expectedLabel: ModelLabel;
}

export interface GeneratorOptions {
  /**
   * Same seed, same sequence of texts, authors and ids (default: a random
   * seed). Any safe integer; seeds equal modulo 2^32 give the same texts.
   */
  seed?: number;
  /** Fraction of traffic posts, 0..1 (default 0.5). */
  trafficShare?: number;
}

/** How many distinct made-up people post. */
const USER_COUNT = 50_000;
const OFFICIAL_SHARE = 0.5;
const RETWEET_SHARE = 0.1;
const MENTION_SHARE = 0.06;
const ENGLISH_SHARE = 0.03;
const UNDETERMINED_SHARE = 0.015;

/** A random seed for when none is given (32-bit, printable in ids). */
export function randomSeed(): number {
  return randomInt(0, 2 ** 31);
}

/**
 * Renders posts from the project's own templates. Deterministic for a seed:
 * the n-th post is the same whatever the batching, except `createdAt`.
 */
export class SyntheticGenerator {
  readonly seed: number;
  readonly #trafficShare: number;
  readonly #rng: Rng;
  #counter = 0;

  constructor({ seed = randomSeed(), trafficShare = 0.5 }: GeneratorOptions = {}) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`invalid seed ${seed}`);
    if (!(trafficShare >= 0 && trafficShare <= 1)) {
      throw new RangeError(`trafficShare must be within 0..1, got ${trafficShare}`);
    }
    this.seed = seed;
    this.#trafficShare = trafficShare;
    this.#rng = new Rng(seed);
  }

  /** The next post, stamped with `createdAt` (ISO 8601). */
  next(createdAt: string): LabelledPost {
    const r = this.#rng;
    this.#counter += 1;
    const id = `syn-${this.seed}-${this.#counter}`;
    if (r.chance(this.#trafficShare)) {
      const region = r.pick(regions);
      if (r.chance(OFFICIAL_SHARE)) {
        const account = officialHandle(r, region);
        const text = r.pick(officialTemplates)(r, region);
        // People often repost the official accounts' reports.
        if (r.chance(RETWEET_SHARE)) {
          return this.#post(
            id,
            `RT @${account}: ${text}`,
            this.#user(),
            createdAt,
            "id",
            "traffic",
          );
        }
        const author = { id: `syn-acct-${account}`, username: account };
        return this.#post(id, text, author, createdAt, "id", "traffic");
      }
      const text = this.#decorate(casualize(r, r.pick(peopleTemplates)(r, region)));
      return this.#post(id, text, this.#user(), createdAt, "id", "traffic");
    }
    if (r.chance(ENGLISH_SHARE)) {
      return this.#post(
        id,
        r.pick(englishTemplates)(r),
        this.#user(),
        createdAt,
        "en",
        "non_traffic",
      );
    }
    if (r.chance(UNDETERMINED_SHARE)) {
      const text = r.pick(undeterminedTemplates)(r);
      return this.#post(id, text, this.#user(), createdAt, "und", "non_traffic");
    }
    const text = this.#decorate(casualize(r, r.pick(chatterTemplates)(r)));
    return this.#post(id, text, this.#user(), createdAt, "id", "non_traffic");
  }

  /** Adds the occasional "RT @x: " prefix or leading @mention. */
  #decorate(text: string): string {
    const r = this.#rng;
    if (r.chance(RETWEET_SHARE)) return `RT @${handleOf(r.int(0, USER_COUNT - 1))}: ${text}`;
    if (r.chance(MENTION_SHARE)) return `@${handleOf(r.int(0, USER_COUNT - 1))} ${text}`;
    return text;
  }

  #user(): RawPost["author"] {
    const index = this.#rng.int(0, USER_COUNT - 1);
    return { id: `syn-user-${index}`, username: handleOf(index) };
  }

  #post(
    id: string,
    text: string,
    author: RawPost["author"],
    createdAt: string,
    lang: string,
    expectedLabel: ModelLabel,
  ): LabelledPost {
    return { post: { id, text, author, createdAt, lang }, expectedLabel };
  }
}

/**
 * Generates `n` labelled posts at once (for tests, benchmarks and data
 * augmentation); all are stamped with `now` (default: the current time).
 */
export function generatePosts(
  n: number,
  options: GeneratorOptions & { now?: number } = {},
): LabelledPost[] {
  const generator = new SyntheticGenerator(options);
  const createdAt = new Date(options.now ?? Date.now()).toISOString();
  const posts: LabelledPost[] = [];
  for (let i = 0; i < n; i++) posts.push(generator.next(createdAt));
  return posts;
}
