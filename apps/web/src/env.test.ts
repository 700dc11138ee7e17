import { describe, expect, it } from "vitest";
import { ConfigError } from "@tweetream/shared";
import { loadWebEnv } from "./env.ts";

describe("loadWebEnv", () => {
  it("allows no other origin and 60 mutations a minute by default", () => {
    const env = loadWebEnv({});
    expect(env.GRAPHQL_CORS_ORIGINS).toEqual([]);
    expect(env.GRAPHQL_MUTATION_RATE_LIMIT).toBe(60);
  });

  it("reads a comma-separated origin list", () => {
    const env = loadWebEnv({
      GRAPHQL_CORS_ORIGINS: " https://ops.example.com, http://localhost:5173 ,",
    });
    expect(env.GRAPHQL_CORS_ORIGINS).toEqual(["https://ops.example.com", "http://localhost:5173"]);
  });

  it.each(["https://ops.example.com/", "ops.example.com", "*", "ftp://ops.example.com"])(
    "refuses %j as an origin, naming the variable and the fix",
    (origin) => {
      expect(() => loadWebEnv({ GRAPHQL_CORS_ORIGINS: origin })).toThrow(ConfigError);
      expect(() => loadWebEnv({ GRAPHQL_CORS_ORIGINS: origin })).toThrow(
        /GRAPHQL_CORS_ORIGINS=.* is invalid: expected origins like https:\/\/ops\.example\.com.*Fix: set GRAPHQL_CORS_ORIGINS to comma-separated origins/,
      );
    },
  );

  it("counts Buffers in V8's heap limit unless told off, and names a bad value", () => {
    expect(loadWebEnv({}).WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT).toBe("on");
    expect(
      loadWebEnv({ WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT: "off" })
        .WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT,
    ).toBe("off");
    expect(() => loadWebEnv({ WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT: "yes" })).toThrow(
      /WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT="yes" is invalid/,
    );
  });

  it("leaves the preview scan workers to the cores unless told, and names a bad value", () => {
    expect(loadWebEnv({}).WEB_PREVIEW_SCAN_WORKERS).toBeUndefined();
    expect(loadWebEnv({ WEB_PREVIEW_SCAN_WORKERS: "3" }).WEB_PREVIEW_SCAN_WORKERS).toBe(3);
    expect(() => loadWebEnv({ WEB_PREVIEW_SCAN_WORKERS: "0" })).toThrow(
      /WEB_PREVIEW_SCAN_WORKERS="0" is invalid/,
    );
  });

  it("refuses a mutation rate limit of 0", () => {
    expect(() => loadWebEnv({ GRAPHQL_MUTATION_RATE_LIMIT: "0" })).toThrow(
      /GRAPHQL_MUTATION_RATE_LIMIT="0" is invalid/,
    );
  });
});
