import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** Seeded choices for the templates (pure-rand's xoroshiro128+, so a seed replays exactly). */
export class Rng {
  readonly #generator: RandomGenerator;

  constructor(seed: number) {
    this.#generator = xoroshiro128plus(seed);
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.#generator, min, max);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return uniformInt(this.#generator, 0, 0xffff) < p * 0x10000;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[uniformInt(this.#generator, 0, items.length - 1)];
    if (item === undefined) throw new RangeError("pick from an empty list");
    return item;
  }

  /** A two-digit zero-padded number in [min, max], e.g. "07". */
  pad2(min: number, max: number): string {
    return String(this.int(min, max)).padStart(2, "0");
  }
}
