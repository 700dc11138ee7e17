// The bluesky source's cursor file: the `time_us` of the last Jetstream event
// whose posts Kafka acknowledged, so a restarted streamer resumes there.
import { readFile } from "node:fs/promises";
import { TweetreamError } from "@tweetream/shared";
import { z } from "zod";
import { replaceFile } from "../replace-file.ts";

const CursorFile = z.object({
  v: z.literal(1),
  /** Microseconds since the epoch, as Jetstream's `time_us`. */
  timeUs: z.int().positive(),
});

/** The cursor in `file`, or undefined if there is none; throws naming the file and the fix if it is unusable. */
export async function readCursor(file: string): Promise<number | undefined> {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
    throw new TweetreamError(`bluesky source: cannot read the cursor file "${file}"`, {
      retriable: false,
      cause: error,
    });
  }
  let parsed;
  try {
    parsed = CursorFile.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    throw new TweetreamError(
      `bluesky source: "${file}" (JETSTREAM_CURSOR_PATH) is not a Jetstream cursor file; delete it to start from the live stream`,
      { retriable: false },
    );
  }
  return parsed.data.timeUs;
}

/** Replaces the cursor file (see `replaceFile`). */
export async function writeCursor(file: string, timeUs: number): Promise<void> {
  await replaceFile(file, `${JSON.stringify({ v: 1, timeUs })}\n`);
}
