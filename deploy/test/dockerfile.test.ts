// Static checks of docker/Dockerfile (parsed with dockerfile-ast) and
// .dockerignore: what the images must be, since no engine here can build them.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { effective, environment, flagsOf, lineage, readStages } from "./dockerfile-stages.ts";
import { readRepoFile, repoRoot } from "./repo-files.ts";

const stages = readStages("docker/Dockerfile");
const APPS = [
  { name: "web", portVar: "WEB_HEALTH_PORT", hostVar: "WEB_HEALTH_HOST", port: "3003" },
  {
    name: "streamer",
    portVar: "STREAMER_HEALTH_PORT",
    hostVar: "STREAMER_HEALTH_HOST",
    port: "3001",
  },
  {
    name: "classifier",
    portVar: "CLASSIFIER_HEALTH_PORT",
    hostVar: "CLASSIFIER_HEALTH_HOST",
    port: "3002",
  },
] as const;
const rootPackage = () =>
  z
    .object({
      packageManager: z.string(),
      workspaces: z.array(z.string()),
      scripts: z.object({ postinstall: z.string() }),
    })
    .parse(JSON.parse(readRepoFile("package.json")));
const appPackage = z.object({ scripts: z.object({ start: z.string() }) });
const args = (keyword: string, stage: string): string[] =>
  lineage(stages, stage).flatMap((s) =>
    s.instructions
      .filter((i) => i.getKeyword() === keyword)
      .map((i) => i.getArgumentsContent() ?? ""),
  );

describe("docker/Dockerfile", () => {
  it("has no problems dockerfile-utils' validator finds (instructions, flags, durations)", () => {
    const problems = validate(readRepoFile("docker/Dockerfile")).map(
      (d) =>
        `line ${d.range.start.line + 1}: ${typeof d.message === "string" ? d.message : d.message.value}`,
    );
    expect(problems).toEqual([]);
    // ...and the validator does report such problems.
    expect(validate("FROM node:22\nHEALTHCHECK --interval=abc CMD true\n")).not.toEqual([]);
  });

  it("is multi-stage, with one target per app", () => {
    expect(stages.length).toBeGreaterThanOrEqual(5);
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(APPS.map((a) => a.name)));
    expect(new Set(stages.map((s) => s.name)).size).toBe(stages.length);
  });

  it("starts from a pinned Node LTS image the repository's engines accept, Debian slim", () => {
    const external = stages.filter((s) => !stages.some((other) => other.name === s.from));
    expect(external.map((s) => s.name)).toEqual(["base"]);
    const match = /^node:(\d+)-bookworm-slim$/.exec(external[0]?.from ?? "");
    expect(match, external[0]?.from).not.toBeNull();
    const major = Number(match?.[1]);
    // package.json's engines (">=24"): the image runs what the tests ran on.
    const engines = z
      .object({ engines: z.object({ node: z.string() }) })
      .parse(JSON.parse(readRepoFile("package.json")));
    expect(major).toBeGreaterThanOrEqual(Number(/^>=(\d+)$/.exec(engines.engines.node)?.[1]));
    expect(major).toBeGreaterThanOrEqual(24);
    expect(major % 2, "an even (LTS) major").toBe(0);
  });

  it("installs with npm ci from the lockfile, skipping onnxruntime's CUDA download", () => {
    const runs = stages.flatMap((s) => s.instructions.filter((i) => i.getKeyword() === "RUN"));
    const npmInstalls = runs
      .map((i) => i.getArgumentsContent() ?? "")
      .filter((line) => /\bnpm (ci|install|i)\b/.test(line));
    expect(npmInstalls.some((line) => /\bnpm ci\b(?!.*--omit=dev)/.test(line))).toBe(true);
    expect(npmInstalls.some((line) => /\bnpm ci --omit=dev\b/.test(line))).toBe(true);
    // No project install that could drift from package-lock.json (global tools are fine).
    expect(npmInstalls.filter((l) => /\bnpm (install|i)\b/.test(l) && !l.includes(" -g "))).toEqual(
      [],
    );
    expect(environment(stages, "deps").get("ONNXRUNTIME_NODE_INSTALL")).toBe("skip");
    expect(environment(stages, "prod").get("ONNXRUNTIME_NODE_INSTALL")).toBe("skip");
    const { packageManager } = rootPackage();
    expect(args("RUN", "deps").join("\n")).toContain(`npm install -g ${packageManager}`);
  });

  it("builds the dashboard with the web workspace's build script", () => {
    expect(args("RUN", "build").join("\n")).toMatch(/^npm run build -w @tweetream\/web\b/m);
    const web = stages.find((s) => s.name === "web");
    const nextCopy = web?.instructions.find(
      (i) => i.getKeyword() === "COPY" && flagsOf(i).includes("from=build"),
    );
    expect(nextCopy?.getArgumentsContent()).toBe("/app/apps/web/.next /app/apps/web/.next");
    // Next.js writes its cache under .next at run time, as the non-root user.
    expect(nextCopy ? flagsOf(nextCopy) : []).toContain("chown=node:node");
  });

  it.each(APPS)("$name: runs as a non-root user under tini", ({ name }) => {
    const user = effective(stages, name, "USER")?.getArgumentsContent();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(effective(stages, name, "ENTRYPOINT")?.getArgumentsContent()).toBe(
      '["/usr/bin/tini", "--"]',
    );
    expect(args("RUN", name).join("\n")).toMatch(/apt-get install[^\n]*\btini\b/);
  });

  it.each(APPS)("$name: health check on /healthz at the port it listens on", (app) => {
    const check = effective(stages, app.name, "HEALTHCHECK")?.getArgumentsContent() ?? "";
    expect(check).toContain("/healthz");
    expect(check).toContain(`process.env.${app.portVar}||${app.port}`);
    const env = environment(stages, app.name);
    expect(env.get(app.portVar)).toBe(app.port);
    expect(env.get(app.hostVar)).toBe("0.0.0.0");
    expect(env.get("NODE_ENV")).toBe("production");
    expect(args("EXPOSE", app.name)).toContain(app.port);
  });

  it.each(APPS)("$name: runs its own entry point with tsx, as npm start does", ({ name }) => {
    const cmd = effective(stages, name, "CMD")?.getArgumentsContent() ?? "";
    const entry = `apps/${name}/src/main.ts`;
    expect(cmd).toBe(`["tsx", "${entry}"]`);
    expect(existsSync(path.join(repoRoot, entry))).toBe(true);
    const script = appPackage.parse(JSON.parse(readRepoFile(`apps/${name}/package.json`))).scripts
      .start;
    expect(script).toBe("tsx src/main.ts");
  });

  it("copies every workspace manifest before npm ci (the install layer caches on them)", () => {
    const { workspaces } = rootPackage();
    const copied = args("COPY", "toolchain").join("\n");
    for (const pattern of workspaces) {
      const parent = pattern.replace(/\/\*$/, "");
      for (const dir of readRepoDirs(parent)) {
        if (existsSync(path.join(repoRoot, parent, dir, "package.json")))
          expect(copied).toContain(`${parent}/${dir}/package.json`);
      }
    }
  });

  it("copies patches/ before npm ci (the root postinstall applies them with patch-package)", () => {
    expect(rootPackage().scripts.postinstall).toContain("patch-package");
    expect(args("COPY", "toolchain")).toContain("patches ./patches");
    expect(existsSync(path.join(repoRoot, "patches"))).toBe(true);
  });

  it("copies every script the root postinstall runs before npm ci", () => {
    const scripts = [...rootPackage().scripts.postinstall.matchAll(/node (\S+\.mjs)/g)].map(
      (m) => m[1] ?? "",
    );
    expect(scripts).toEqual(["tooling/ensure-deps.mjs"]);
    for (const script of scripts) {
      expect(args("COPY", "toolchain")).toContain(`${script} ./${path.posix.dirname(script)}/`);
    }
  });
});

describe(".dockerignore", () => {
  const ignored = readRepoFile(".dockerignore")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));

  it("keeps dependencies, build output, local data and secrets out of the build context", () => {
    expect(ignored).toEqual(
      expect.arrayContaining([
        "**/node_modules",
        "**/.next",
        ".git",
        ".cache",
        "data",
        "**/.env",
        "packages/catalogue/src/generated",
      ]),
    );
  });

  it("keeps in what the images run: the model, the migrations, the sources", () => {
    for (const needed of [
      "apps/classifier/model",
      "prisma",
      "patches",
      "apps/web/src",
      "packages/text",
    ]) {
      expect(
        ignored.some((pattern) => needed === pattern || needed.startsWith(`${pattern}/`)),
      ).toBe(false);
    }
  });
});

function readRepoDirs(relative: string): string[] {
  return readdirSync(path.join(repoRoot, relative), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}
