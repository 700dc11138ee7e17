import { commonEnv, loadEnv, port } from "@tweetream/shared";
import { z } from "zod";

/** Every variable the streamer reads (README.md, "Configuration"). */
export const streamerEnvSchema = z.object({
  ...commonEnv,
  STREAMER_HEALTH_HOST: z
    .string()
    .default("127.0.0.1")
    .describe("the address for /healthz and /readyz, e.g. 0.0.0.0 in a container"),
  STREAMER_HEALTH_PORT: port(3001),
});
export type StreamerEnv = z.infer<typeof streamerEnvSchema>;

/** Reads and validates the streamer's configuration; throws ConfigError naming each bad variable. */
export function loadStreamerEnv(source = process.env): StreamerEnv {
  return loadEnv(streamerEnvSchema, source);
}
