import { describe, expect, it } from "vitest";
import { slugOfUserTopic, userTopicName } from "./topics.ts";

describe("topic names", () => {
  it("maps a slug to its Kafka topic and back", () => {
    expect(userTopicName("jakarta-traffic")).toBe("tweetream.topic.jakarta-traffic");
    expect(slugOfUserTopic("tweetream.topic.jakarta-traffic")).toBe("jakarta-traffic");
  });

  it.each(["", "a", "Jakarta", "-x", "x-", "a--b", "a/b", "a.b", "é-x", "x".repeat(64)])(
    "refuses the slug %j",
    (slug) => {
      expect(() => userTopicName(slug)).toThrow(RangeError);
    },
  );

  it("ignores topics that are not user topics", () => {
    expect(slugOfUserTopic("tweetream.control")).toBeUndefined();
    expect(slugOfUserTopic("tweetream.topic.Bad_Slug")).toBeUndefined();
  });
});
