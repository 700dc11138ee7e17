import { commonEnv, loadEnv, port } from "@tweetream/shared";
import { z } from "zod";

/** Every variable the classifier reads (README.md, "Configuration"). */
export const classifierEnvSchema = z.object({
  ...commonEnv,
  CLASSIFIER_HEALTH_HOST: z
    .string()
    .default("127.0.0.1")
    .describe("the address for /healthz and /readyz, e.g. 0.0.0.0 in a container"),
  CLASSIFIER_HEALTH_PORT: port(3002),
});
export type ClassifierEnv = z.infer<typeof classifierEnvSchema>;

/** Reads and validates the classifier's configuration; throws ConfigError naming each bad variable. */
export function loadClassifierEnv(source = process.env): ClassifierEnv {
  return loadEnv(classifierEnvSchema, source);
}
