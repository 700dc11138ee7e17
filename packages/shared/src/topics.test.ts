import { describe, expect, it } from "vitest";
import { topicNames } from "./topics.ts";

describe("topic names", () => {
  const names = topicNames();

  it("uses the tweetream prefix by default", () => {
    expect([names.control, names.preprocessed, names.deadLetter]).toEqual([
      "tweetream.control",
      "tweetream.tweets.preprocessed",
      "tweetream.dlq",
    ]);
  });

  it("maps a slug to its Kafka topic and back", () => {
    expect(names.user("jakarta-traffic")).toBe("tweetream.topic.jakarta-traffic");
    expect(names.slugOf("tweetream.topic.jakarta-traffic")).toBe("jakarta-traffic");
  });

  it.each(["", "a", "Jakarta", "-x", "x-", "a--b", "a/b", "a.b", "é-x", "x".repeat(64)])(
    "refuses the slug %j",
    (slug) => {
      expect(() => names.user(slug)).toThrow(RangeError);
    },
  );

  it("ignores topics that are not user topics of its prefix", () => {
    expect(names.slugOf("tweetream.control")).toBeUndefined();
    expect(names.slugOf("tweetream.topic.Bad_Slug")).toBeUndefined();
    expect(names.slugOf("other.topic.jakarta")).toBeUndefined();
  });

  it("keeps deployments apart by prefix", () => {
    const test = topicNames("test-1a2b");
    expect(test.user("x1")).toBe("test-1a2b.topic.x1");
    expect(test.slugOf("tweetream.topic.x1")).toBeUndefined();
    expect(() => topicNames("has space")).toThrow(RangeError);
  });
});
