// The parts of a Compose file the checks look at, parsed (after the schema check).
import { z } from "zod";
import { readYamlDocuments } from "./repo-files.ts";

const environment = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.array(z.string()),
]);

const service = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string(), target: z.string() }).optional(),
  environment: environment.optional(),
  depends_on: z
    .record(z.string(), z.object({ condition: z.string() }))
    .optional()
    .describe("the long form, so every dependency states its condition"),
  healthcheck: z.object({ test: z.union([z.string(), z.array(z.string())]) }).optional(),
  deploy: z.object({ replicas: z.number().optional() }).optional(),
  volumes: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  stop_grace_period: z.string().optional(),
});

const composeFile = z.object({ services: z.record(z.string(), service) });
export type ComposeFile = z.infer<typeof composeFile>;
export type ComposeService = z.infer<typeof service>;

/** The single YAML document of a Compose file, unparsed. */
export function readComposeDocument(relative: string): unknown {
  const [document, ...rest] = readYamlDocuments(relative);
  if (rest.length > 0) throw new Error(`${relative}: expected one YAML document`);
  return document;
}

/** A Compose file's services, parsed. */
export function readComposeFile(relative: string): ComposeFile {
  return composeFile.parse(readComposeDocument(relative));
}

/** A service's environment as name → value (list form `NAME=value` too). */
export function environmentOf(service: ComposeService): Map<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return new Map(
      env.map((entry) => {
        const at = entry.indexOf("=");
        return at < 0 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return new Map(Object.entries(env).map(([name, value]) => [name, String(value ?? "")]));
}
