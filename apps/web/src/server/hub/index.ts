export { TweetHub, isValidCursor, type HubItem, type TweetHubOptions } from "./tweet-hub.ts";
export type { MinuteBucket } from "./minute-stats.ts";
