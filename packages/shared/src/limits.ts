// Limits of the Kafka contract that code without Node.js dependencies also
// needs (the rule parser, which the browser runs too): exported on their own
// as "@tweetream/shared/limits", so importing them does not load kafkajs.

/** Longest rule X accepts for a filtered-stream rule, and so for a topic. */
export const MAX_RULE_LENGTH = 1024;
