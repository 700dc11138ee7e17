import { commonEnv, loadEnv, port } from "@tweetream/shared";
import { z } from "zod";

/** Every variable the web server reads (README.md, "Configuration"). */
export const webEnvSchema = z.object({
  ...commonEnv,
  HOST: z
    .string()
    .default("127.0.0.1")
    .describe("the address to listen on, e.g. 0.0.0.0 to accept other machines"),
  PORT: port(3000),
  DATABASE_URL: z
    .string()
    .default("file:./data/catalogue.db")
    .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
      error: "expected a file: (SQLite) or postgresql:// URL",
    })
    .describe(
      "file:./data/catalogue.db (SQLite, the default) or postgresql://user:password@host:5432/db",
    ),
});
export type WebEnv = z.infer<typeof webEnvSchema>;

/** Reads and validates the web server's configuration; throws ConfigError naming each bad variable. */
export function loadWebEnv(source = process.env): WebEnv {
  return loadEnv(webEnvSchema, source);
}
