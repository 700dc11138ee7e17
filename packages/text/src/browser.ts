// The part of @tweetream/text that runs in a browser: the rule language and
// its tokenizer, with nothing that needs Node.js (the main entry also brings
// the preprocessing pipeline and, through @tweetream/shared, kafkajs and pino).
// The dashboard highlights with it, so it marks exactly what the matcher
// matches.
export {
  highlightRuns,
  highlightTerms,
  type HighlightTerm,
  type TextRun,
} from "./rules/highlight.ts";
