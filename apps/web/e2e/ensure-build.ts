// The browser test serves the production build: (re)build the dashboard when
// `.next/BUILD_ID` is missing or older than any of its sources.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const SOURCES = ["app", "src/client", "next.config.ts", "postcss.config.mjs", "package.json"];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** Runs `next build` in `webDir` (with `environment`, as production) unless an up-to-date build is there; returns whether it built. */
export function ensureDashboardBuild(webDir: string, environment: NodeJS.ProcessEnv): boolean {
  const buildId = path.join(webDir, ".next", "BUILD_ID");
  const sources = Math.max(...SOURCES.map((source) => newestMtime(path.join(webDir, source))));
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= sources) return false;
  const result = spawnSync("npx", ["next", "build"], {
    cwd: webDir,
    env: { ...environment, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `next build failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return true;
}
