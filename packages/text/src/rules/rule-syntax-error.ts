/**
 * A rule that cannot be parsed. `position` is the 0-based UTF-16 index into the
 * rule text where the problem is (the text's length for "unexpected end"); the
 * message names the problem and does not repeat the position.
 */
export class RuleSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = "RuleSyntaxError";
    this.position = position;
  }
}
