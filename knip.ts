// knip finds unused files, exports and dependencies; `npm run lint` runs it.
// Exports used in their own file are allowed (a module's public types).
import type { KnipConfig } from "knip";

const tests = ["**/*.test.ts"];

const config: KnipConfig = {
  ignoreExportsUsedInFile: true,
  workspaces: {
    ".": {
      entry: [
        ...tests,
        "tooling/kafka/*.{ts,mjs}",
        "tooling/vitest/*.ts",
        "bench/history.ts",
        "bench/load/load-process.ts",
        "bench/micro/*.ts",
        "bench/original/*.ts",
        "bench/stock/stock-fanout-server.ts",
        "deploy/systemd/wait-ready.mjs",
        "prisma/*.mjs",
      ],
      project: [
        "tooling/**/*.{ts,mjs}",
        "bench/**/*.ts",
        "test/**/*.ts",
        "deploy/**/*.{ts,mjs}",
        "prisma/**/*.mjs",
        "*.ts",
      ],
      ignoreDependencies: [
        // The root's prisma.config.ts and prisma/pg-migration-pool.mjs use the
        // catalogue's database drivers; the root lists better-sqlite3 itself
        // to pin one version for both (overrides).
        "@prisma/adapter-better-sqlite3",
        "@prisma/adapter-pg",
        "pg",
        "better-sqlite3",
        // Read by deploy/test/k8s-manifests.ts through require.resolve of their JSON schemas.
        "kubernetes-models",
        "@kubernetes-models/keda",
        "@kubernetes-models/strimzi-kafka-operator",
      ],
    },
    "apps/web": {
      entry: [...tests, "src/bench/*.ts", "app/**/*.{ts,tsx}"],
      project: ["src/**/*.{ts,tsx}", "app/**/*.{ts,tsx}", "test/**/*.ts", "e2e/**/*.ts"],
      // Imported from app/globals.css (`@import "tailwindcss"`).
      ignoreDependencies: ["tailwindcss"],
    },
    "apps/streamer": {
      entry: [...tests, "src/bench/*.ts"],
      project: ["src/**/*.ts", "test/**/*.ts"],
    },
    "apps/classifier": {
      entry: [...tests, "src/cli/*.ts", "src/bench/*.ts", "training/*.ts"],
      project: ["src/**/*.ts", "training/**/*.ts", "test/**/*.ts"],
    },
    "packages/*": {
      // A service the lifecycle test starts as a child process.
      entry: [...tests, "**/*.bench.ts", "test/fixtures/*.ts"],
      project: ["src/**/*.ts", "test/**/*.ts"],
      // The generated Prisma clients (src/generated, made at install) import them.
      ignoreDependencies: ["@prisma/client", "prisma", "better-sqlite3"],
    },
  },
  ignoreBinaries: ["systemd-analyze", "shellcheck", "mvn"],
};

export default config;
