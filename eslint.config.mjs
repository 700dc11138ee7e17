// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

/**
 * The import rules every TypeScript file follows, plus `extra` for a folder:
 * apps reach Kafka only through @tweetream/shared (so the client can be
 * swapped), and packages only through their public surface.
 */
function restrictedImports(...extra) {
  return [
    "error",
    {
      paths: [{ name: "kafkajs", message: "Use the Kafka module of @tweetream/shared." }],
      patterns: [
        { group: ["@tweetream/*/src/*"], message: "Import a package's public surface." },
        ...extra,
      ],
    },
  ];
}

/** An app never imports another app. */
const APPS_APART = {
  group: ["@tweetream/web", "@tweetream/streamer", "@tweetream/classifier", "**/apps/*/src/**"],
  message: "Apps do not import each other: share code through packages/.",
};

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/generated/**", "**/.next/**", "**/dist/**", ".cache/**"] },
  js.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [...tseslint.configs.strictTypeChecked, ...tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
      // Configuration is read in exactly one place per app (src/env.ts) so every
      // variable is validated and documented (README.md, "Configuration").
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through env.ts." },
      ],
      "no-restricted-imports": restrictedImports(),
    },
  },
  {
    // An app never imports another app, its tests included: tests that run
    // several apps live in the root test/ project.
    files: [
      "apps/*/src/**",
      "apps/*/app/**",
      "apps/*/test/**",
      "apps/*/e2e/**",
      "apps/*/training/**",
    ],
    rules: { "no-restricted-imports": restrictedImports(APPS_APART) },
  },
  {
    // The dashboard runs in the browser: it never imports the server's code.
    files: ["apps/web/src/client/**", "apps/web/app/**"],
    rules: {
      "no-restricted-imports": restrictedImports(APPS_APART, {
        // Relative imports of src/server/ (not next/server).
        regex: "^\\.{1,2}/(.*/)?server(/.*)?$",
        message:
          "The dashboard (apps/web/src/client, apps/web/app) runs in the browser: it may not import apps/web/src/server.",
      }),
    },
  },
  {
    files: ["packages/shared/src/kafka/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // The benchmark rebuilds the original design (a raw kafkajs consumer per
    // subscriber) and the stock stack (a raw kafkajs consumer feeding a PubSub),
    // and removes its own Kafka topics and groups afterwards.
    files: ["bench/original/**", "bench/stock/**", "bench/lib/kafka-cleanup.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: [
      "**/env.ts",
      "prisma.config.ts",
      "**/*.test.ts",
      "**/test/**",
      // The browser tests' helpers (CHROMIUM_PATH).
      "apps/web/e2e/**",
      "vitest.config.ts",
      "**/vitest.config.ts",
      // The supervisor hands its environment on to the services it starts.
      "tooling/start.ts",
      // So does the benchmark harness (bench/run.ts and the processes it starts).
      "bench/**",
      // Points tooling/kafka (which reads KAFKA_CLUSTER_DIR at call time) at a temporary cluster.
      "tooling/kafka/own-cluster.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Test handlers are often synchronous bodies behind an async signature.
    files: ["**/*.test.ts", "**/test/**"],
    rules: { "@typescript-eslint/require-await": "off" },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        URL: "readonly",
      },
    },
  },
  prettier,
);
