// Runs before `npm start` and `npm test` (npm's pre-scripts): installs the npm
// dependencies with `npm ci` when node_modules is missing or older than
// package-lock.json or a patch in patches/ (applied by the postinstall), so both
// commands work on a fresh clone.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const mtime = (file) => {
  try {
    return statSync(path.join(root, file)).mtimeMs;
  } catch {
    return undefined;
  }
};

const installed = mtime("node_modules/.package-lock.json");
const patches = readdirSync(path.join(root, "patches")).map((name) => `patches/${name}`);
const locked = Math.max(...["package-lock.json", ...patches].map((file) => mtime(file) ?? 0));
if (installed === undefined || locked > installed) {
  process.stderr.write("[tweetream] installing npm dependencies (npm ci) ...\n");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
    // onnxruntime-node's install script downloads CUDA files; its CPU binaries ship in the package.
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip" },
  });
  process.exit(result.status ?? 1);
}
