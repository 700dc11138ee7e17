import { describe, expect, it } from "vitest";
import { InvalidMessageError } from "../errors.ts";
import { decodeMessage, encodeMessage, MAX_MESSAGE_BYTES } from "./codec.ts";
import {
  decodeControlEvent,
  type TopicUpserted as TopicUpsertedType,
  TopicUpserted,
} from "./control.ts";
import { ClassifiedPost, PreprocessedPost } from "./post.ts";

export const samplePost: PreprocessedPost = {
  v: 1,
  id: "1234567890",
  source: "synthetic",
  text: "Macet parah di Jl. Sudirman arah Semanggi",
  cleanText: "macet parah jalan sudirman arah semanggi",
  author: { id: "42", username: "warga_jkt" },
  createdAt: "2026-11-26T08:00:00.000Z",
  lang: "id",
  topics: ["jakarta-traffic"],
  ingestedAt: 1_795_000_000_000,
};

const topic: TopicUpsertedType = {
  v: 1,
  type: "topic.upserted",
  slug: "jakarta-traffic",
  name: "Jakarta traffic",
  rule: "macet OR kemacetan lang:id",
  description: "",
  updatedAt: "2026-11-26T08:00:00.000Z",
};

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidMessageError) return error.reason;
    throw error;
  }
  throw new Error("expected an InvalidMessageError");
}

describe("message codec", () => {
  it("round-trips a valid post", () => {
    const bytes = Buffer.from(encodeMessage(PreprocessedPost, samplePost));
    expect(decodeMessage(PreprocessedPost, bytes)).toEqual(samplePost);
  });

  it("refuses to encode an invalid message", () => {
    expect(() => encodeMessage(PreprocessedPost, { ...samplePost, topics: [] })).toThrow(
      /refusing to send an invalid message/,
    );
  });

  it("classifies decoding failures for the dead-letter headers", () => {
    expect(reasonOf(() => decodeMessage(PreprocessedPost, Buffer.from("{not json")))).toBe(
      "invalid-json",
    );
    const wrongVersion = { ...samplePost, v: 2 };
    expect(
      reasonOf(() => decodeMessage(PreprocessedPost, Buffer.from(JSON.stringify(wrongVersion)))),
    ).toBe("invalid-schema");
    expect(
      reasonOf(() => decodeMessage(PreprocessedPost, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 32))),
    ).toBe("oversized");
    expect(reasonOf(() => decodeMessage(PreprocessedPost, null))).toBe("invalid-schema");
  });

  it("requires label, score and model on a classified post", () => {
    const classified = {
      ...samplePost,
      label: "traffic",
      score: 0.97,
      model: { name: "tfidf-linear-svm", version: "1" },
      classifiedAt: samplePost.ingestedAt + 5,
    };
    expect(ClassifiedPost.parse(classified)).toEqual(classified);
    expect(ClassifiedPost.safeParse({ ...classified, score: 1.5 }).success).toBe(false);
    expect(ClassifiedPost.safeParse(samplePost).success).toBe(false);
  });

  it("carries the language gate exactly when a post is not classified", () => {
    const base = {
      ...samplePost,
      score: 0,
      model: { name: "tfidf-linear-svm", version: "1" },
      classifiedAt: samplePost.ingestedAt + 5,
    };
    const gate = { language: "en", by: "tag" } as const;
    const gated = { ...base, label: "not_classified", gate };
    expect(ClassifiedPost.parse(gated)).toEqual(gated);
    expect(ClassifiedPost.safeParse({ ...base, label: "not_classified" }).success).toBe(false);
    expect(ClassifiedPost.safeParse({ ...base, label: "traffic", gate }).success).toBe(false);
    expect(
      ClassifiedPost.safeParse({ ...gated, gate: { language: "en", by: "guess" } }).success,
    ).toBe(false);
  });
});

describe("control events", () => {
  const key = Buffer.from(topic.slug);

  it("decodes an upsert", () => {
    const value = Buffer.from(encodeMessage(TopicUpserted, topic));
    expect(decodeControlEvent({ key, value })).toEqual({
      type: "topic.upserted",
      slug: topic.slug,
      topic,
    });
  });

  it("decodes a tombstone as a deletion", () => {
    expect(decodeControlEvent({ key, value: null })).toEqual({
      type: "topic.deleted",
      slug: topic.slug,
    });
  });

  it("refuses a record whose key is not the topic's slug", () => {
    const value = Buffer.from(encodeMessage(TopicUpserted, topic));
    expect(reasonOf(() => decodeControlEvent({ key: Buffer.from("other"), value }))).toBe(
      "invalid-schema",
    );
    expect(reasonOf(() => decodeControlEvent({ key: null, value }))).toBe("invalid-schema");
  });
});
