import { rename, writeFile } from "node:fs/promises";

/** Replaces `file` by `text` in one rename, so a crash leaves the old or the new content, never half. */
export async function replaceFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}
