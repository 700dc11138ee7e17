import { commonEnv, loadEnv, port } from "@tweetream/shared";
import { z } from "zod";
import { DETECT_LANGUAGE_MODES } from "./language-gate.ts";

/** Every variable the classifier reads (apps/classifier/README.md). */
export const classifierEnvSchema = z.object({
  ...commonEnv,
  CLASSIFIER_HEALTH_HOST: z
    .string()
    .default("127.0.0.1")
    .describe("the address for /healthz and /readyz, e.g. 0.0.0.0 in a container"),
  CLASSIFIER_HEALTH_PORT: port(3002),
  CLASSIFIER_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(512)
    .describe("posts per model call, from 1 to 10000 (default 512)"),
  CLASSIFIER_GROUP_ID: z
    .string()
    .min(1)
    .optional()
    .describe(
      "the Kafka consumer group the replicas share (default <KAFKA_TOPIC_PREFIX>.classifier)",
    ),
  CLASSIFIER_MODEL_DIR: z
    .string()
    .min(1)
    .optional()
    .describe(
      "a folder holding a model's metadata.json and .onnx file (default: apps/classifier/model)",
    ),
  CLASSIFIER_DETECT_LANGUAGE: z
    .enum(DETECT_LANGUAGE_MODES)
    .default("other-scripts")
    .describe(
      "when to detect the language of a post without a language tag: other-scripts (default: only text mostly in a non-Latin script), always or never (docs/MODEL.md)",
    ),
});
export type ClassifierEnv = z.infer<typeof classifierEnvSchema>;

/** Reads and validates the classifier's configuration; throws ConfigError naming each bad variable. */
export function loadClassifierEnv(
  source: Readonly<Record<string, string | undefined>> = process.env,
): ClassifierEnv {
  return loadEnv(classifierEnvSchema, source);
}
