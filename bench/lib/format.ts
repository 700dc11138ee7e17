// Generated files go through Prettier, so `npm run lint` (prettier --check .)
// accepts them as written.
import { format, resolveConfig } from "prettier";

/** `text` formatted as Prettier would format the file at `filePath`. */
export async function prettierFormat(text: string, filePath: string): Promise<string> {
  const config = (await resolveConfig(filePath)) ?? {};
  return format(text, { ...config, filepath: filePath });
}
