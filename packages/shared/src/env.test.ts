import { describe, expect, it } from "vitest";
import { z } from "zod";
import { commonEnv, loadEnv, port } from "./env.ts";
import { ConfigError } from "./errors.ts";

const schema = z.object({ ...commonEnv, PORT: port(3000) });

function problemsOf(source: Record<string, string>): readonly string[] {
  try {
    loadEnv(schema, source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadEnv", () => {
  it("applies defaults when nothing is set", () => {
    const env = loadEnv(schema, {});
    expect(env.KAFKA_BROKERS).toEqual(["127.0.0.1:9092"]);
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.PORT).toBe(3000);
    expect(env.KAFKA_TOPIC_PARTITIONS).toBe(3);
  });

  it("parses a broker list and numbers", () => {
    const env = loadEnv(schema, { KAFKA_BROKERS: "a:9092, b:9093", PORT: "0" });
    expect(env.KAFKA_BROKERS).toEqual(["a:9092", "b:9093"]);
    expect(env.PORT).toBe(0);
  });

  it("treats an empty value as unset", () => {
    expect(loadEnv(schema, { LOG_LEVEL: "" }).LOG_LEVEL).toBe("info");
  });

  it("names a bad variable, its value and the fix", () => {
    const problems = problemsOf({ KAFKA_BROKERS: "localhost" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^KAFKA_BROKERS="localhost" is invalid: /);
    expect(problems[0]).toContain("Fix: set KAFKA_BROKERS to a comma-separated list of host:port");
  });

  it("reports every bad variable at once", () => {
    const problems = problemsOf({ PORT: "99999", LOG_LEVEL: "loud" });
    expect(problems.map((p) => p.split("=")[0])).toEqual(
      expect.arrayContaining(["PORT", "LOG_LEVEL"]),
    );
    expect(problems.join("\n")).toContain("Fix: set LOG_LEVEL to one of fatal, error");
  });

  it("names a missing required variable", () => {
    const required = z.object({
      ADMIN_TOKEN: z.string().min(16).describe("a secret of at least 16 characters"),
    });
    expect(() => loadEnv(required, {})).toThrow(
      "ADMIN_TOKEN is required but not set. Fix: set ADMIN_TOKEN to a secret of at least 16 characters.",
    );
  });

  it("never repeats the value of a secret in its error", () => {
    const schema = z.object({
      ADMIN_TOKEN: z.string().min(16).describe("a secret of at least 16 characters"),
      DATABASE_URL: z.string().startsWith("postgresql://").describe("a postgresql:// URL"),
      MASTODON_TOKEN: z.string().min(20).describe("a token"),
    });
    const values = {
      ADMIN_TOKEN: "fifteen-chars-x",
      DATABASE_URL: "mysql://u:hunter2-password@db/x",
      MASTODON_TOKEN: "short-token",
    };
    let message = "";
    try {
      loadEnv(schema, values);
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain("ADMIN_TOKEN (15 characters, not shown: it is a secret) is invalid");
    expect(message).toContain("DATABASE_URL (31 characters, not shown");
    for (const value of Object.values(values)) expect(message).not.toContain(value);
    expect(message).not.toContain("hunter2");
  });
});
