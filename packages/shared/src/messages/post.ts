import { z } from "zod";
import { topicSlug } from "./control.ts";

/** Longest post text accepted (X allows 25,000 characters for long posts). */
export const MAX_TEXT_LENGTH = 25_000;

/** Epoch milliseconds; used for timestamps that latency is measured from. */
const epochMs = z.number().int().nonnegative();

/**
 * Longest post id: a Bluesky id is an AT URI, `at://<did>/app.bsky.feed.post/<rkey>`,
 * and a `did:web` DID alone may be a whole domain name (253 characters).
 */
export const MAX_POST_ID_LENGTH = 512;

/** Where posts come from (`STREAMER_SOURCE`). */
export const PostSource = z.enum(["synthetic", "file", "x", "bluesky", "mastodon"]);
export type PostSource = z.infer<typeof PostSource>;

/**
 * Value of a `tweetream.tweets.preprocessed` record (key = post id): a post
 * cleaned by the streamer and tagged with every topic whose rule it matches.
 */
export const PreprocessedPost = z.object({
  v: z.literal(1),
  id: z.string().min(1).max(MAX_POST_ID_LENGTH),
  /** Which source produced it. */
  source: PostSource,
  /** A link to the post where its source has one (`https` only). */
  url: z
    .url({ protocol: /^https$/ })
    .max(2048)
    .optional(),
  text: z.string().max(MAX_TEXT_LENGTH),
  /** The text after the shared preprocessing (the model's input). */
  cleanText: z.string().max(MAX_TEXT_LENGTH),
  author: z.object({
    /** The source's id of the author: an X user id, a Bluesky DID, … */
    id: z.string().min(1).max(MAX_POST_ID_LENGTH),
    /** Handle without `@`; empty when the source has not told it (a Bluesky DID without a known handle). */
    username: z.string().max(253),
  }),
  createdAt: z.iso.datetime(),
  /**
   * Set on an edited version of a post (a Mastodon edit): it replaces every
   * earlier version, whose removal a `PostDeleted` with this `editedAt` carries.
   */
  editedAt: z.iso.datetime().optional(),
  /** BCP 47 language tag as reported by the source, or `und`. */
  lang: z.string().min(2).max(16),
  topics: z.array(topicSlug).min(1),
  /** When the streamer took the post in (epoch ms); end-to-end latency starts here. */
  ingestedAt: epochMs,
});
export type PreprocessedPost = z.infer<typeof PreprocessedPost>;

/** The labels of the traffic model (Kurniawan et al., ICITEE 2016). */
export const ModelLabel = z.enum(["traffic", "non_traffic"]);
export type ModelLabel = z.infer<typeof ModelLabel>;

/**
 * A classified post's label: the model's, or `not_classified` for a post in a
 * language the model was not trained for (docs/MODEL.md, "Languages").
 */
export const PostLabel = z.enum([...ModelLabel.options, "not_classified"]);
export type PostLabel = z.infer<typeof PostLabel>;

/** Why a post was not classified: its language, and who named it. */
export const LanguageGate = z.object({
  /** The language, as the source tagged it or the detector named it. */
  language: z.string().min(2).max(16),
  /** `tag`: the source's language tag; `detector`: language detection of an untagged text. */
  by: z.enum(["tag", "detector"]),
});
export type LanguageGate = z.infer<typeof LanguageGate>;

/**
 * Value of a `tweetream.topic.<slug>` record (key = post id): a preprocessed
 * post with the model's label.
 */
export const ClassifiedPost = PreprocessedPost.extend({
  label: PostLabel,
  /** Model confidence in `label`, from 0 to 1; 0 when `not_classified`. */
  score: z.number().min(0).max(1),
  model: z.object({ name: z.string().min(1), version: z.string().min(1) }),
  /** Present exactly when `label` is `not_classified`: the language that kept the post from the model. */
  gate: LanguageGate.optional(),
  classifiedAt: epochMs,
}).refine((post) => (post.label === "not_classified") === (post.gate !== undefined), {
  error: "gate is present exactly when label is not_classified",
  path: ["gate"],
});
export type ClassifiedPost = z.infer<typeof ClassifiedPost>;

/**
 * Value of a `tweetream.tweets.deleted` record (key = post id): its source
 * said the post was deleted (or edited, with `editedAt`). Web processes drop it from their history and
 * tell open subscriptions; a post that arrives after its deletion is dropped.
 */
export const PostDeleted = z.object({
  v: z.literal(1),
  id: z.string().min(1).max(MAX_POST_ID_LENGTH),
  source: PostSource,
  /** When the streamer took the deletion in (epoch ms). */
  deletedAt: epochMs,
  /**
   * Set when the post was edited, not deleted: only its versions from before
   * this moment are gone, and the version edited then follows on the posts'
   * path with the same `editedAt`.
   */
  editedAt: z.iso.datetime().optional(),
});
export type PostDeleted = z.infer<typeof PostDeleted>;
