import { TweetreamError } from "@tweetream/shared";

/** What a client did wrong; the gateway maps `code` to the GraphQL error code. */
export type TopicAdminErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT" | "LIMIT_EXCEEDED";

/** A topic mutation refused because of its input or the catalogue's state (never retriable). */
export class TopicAdminError extends TweetreamError {
  readonly code: TopicAdminErrorCode;
  /** The input field at fault, e.g. `slug` or `rule`. */
  readonly field?: string;
  /** For rules: the 0-based UTF-16 index of the problem in the rule text. */
  readonly position?: number;

  constructor(
    code: TopicAdminErrorCode,
    message: string,
    details: { field?: string; position?: number } = {},
  ) {
    super(message, { retriable: false });
    this.code = code;
    if (details.field !== undefined) this.field = details.field;
    if (details.position !== undefined) this.position = details.position;
  }
}
