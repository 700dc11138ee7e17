import type { Logger } from "@tweetream/shared";
import type { StreamerEnv } from "../env.ts";
import type { StreamerMetrics } from "../metrics.ts";
import { createJetstreamSource } from "./bluesky/jetstream.ts";
import { createFileSource } from "./file.ts";
import { createMastodonSource } from "./mastodon/mastodon.ts";
import type { Source } from "./source.ts";
import { createSyntheticSource } from "./synthetic/synthetic-source.ts";
import { createXSource } from "./x.ts";

/** The sources STREAMER_SOURCE names, configured from the environment. */
export function createSources(
  env: StreamerEnv,
  logger: Logger,
  metrics: StreamerMetrics,
): Source[] {
  return env.STREAMER_SOURCE.map((kind) => createSource(kind, env, logger, metrics));
}

function createSource(
  kind: StreamerEnv["STREAMER_SOURCE"][number],
  env: StreamerEnv,
  logger: Logger,
  metrics: StreamerMetrics,
): Source {
  switch (kind) {
    case "synthetic":
      return createSyntheticSource({
        rate: env.SYNTHETIC_RATE,
        trafficShare: env.SYNTHETIC_TRAFFIC_SHARE,
        seed: env.SYNTHETIC_SEED,
        limit: env.SYNTHETIC_LIMIT,
      });
    case "file":
      // env.ts makes FILE_PATH required for this source.
      return createFileSource({
        path: env.FILE_PATH ?? "",
        rate: env.FILE_RATE,
        loop: env.FILE_LOOP,
        format: env.FILE_FORMAT,
        checkpointPath: env.FILE_CHECKPOINT_PATH,
      });
    case "x":
      return createXSource({
        bearerToken: env.X_BEARER_TOKEN ?? "",
        baseUrl: env.X_API_URL,
        logger: logger.child({ source: "x" }),
      });
    case "bluesky":
      return createJetstreamSource({
        urls: env.JETSTREAM_URL,
        cursorPath: env.JETSTREAM_CURSOR_PATH,
        logger: logger.child({ source: "bluesky" }),
        onEvent: (outcome) => {
          if (outcome === "reconnect") metrics.sourceReconnects.inc({ source: "bluesky" });
          else metrics.sourceEvents.inc({ source: "bluesky", outcome });
        },
      });
    case "mastodon":
      // env.ts makes MASTODON_URL and MASTODON_TOKEN required for this source.
      return createMastodonSource({
        instanceUrl: env.MASTODON_URL ?? "",
        token: env.MASTODON_TOKEN ?? "",
        streams: env.MASTODON_STREAMS,
        logger: logger.child({ source: "mastodon" }),
        onEvent: (outcome) => {
          if (outcome === "reconnect") metrics.sourceReconnects.inc({ source: "mastodon" });
          else metrics.sourceEvents.inc({ source: "mastodon", outcome });
        },
      });
  }
}
