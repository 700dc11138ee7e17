import type { Logger } from "@tweetream/shared";
import type { StreamerEnv } from "../env.ts";
import type { StreamerMetrics } from "../metrics.ts";
import { createJetstreamSource } from "./bluesky/jetstream.ts";
import { createFileSource } from "./file.ts";
import type { Source } from "./source.ts";
import { createSyntheticSource } from "./synthetic.ts";
import { createXSource } from "./x.ts";

/** The source STREAMER_SOURCE names, configured from the environment. */
export function createSource(env: StreamerEnv, logger: Logger, metrics: StreamerMetrics): Source {
  switch (env.STREAMER_SOURCE) {
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
  }
}
