// Reads the deployment files of this repository for the static checks.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A file's text, by path relative to the repository root. */
export function readRepoFile(relative: string): string {
  return readFileSync(path.join(repoRoot, relative), "utf8");
}

/**
 * Every YAML document of a file as plain data. Merge keys (`<<: *anchor`) are
 * resolved as Docker Compose resolves them; a YAML error fails the caller.
 */
export function readYamlDocuments(relative: string): unknown[] {
  const documents = parseAllDocuments(readRepoFile(relative), { merge: true });
  if (!Array.isArray(documents)) return [];
  return documents.map((document) => {
    const [error] = document.errors;
    if (error) throw new Error(`${relative}: ${error.message}`);
    return document.toJS({ maxAliasCount: -1 }) as unknown;
  });
}

/** The `.yaml` files under a folder (relative to the root), recursively, sorted. */
export function yamlFilesUnder(relative: string): string[] {
  return readdirSync(path.join(repoRoot, relative), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => path.posix.join(relative, file.split(path.sep).join("/")))
    .sort();
}
