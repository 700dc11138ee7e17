import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILD_COMMAND, createNextHandler } from "./next-app.ts";

const dir = mkdtempSync(path.join(tmpdir(), "tweetream-next-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("createNextHandler", () => {
  it("refuses production without a build, naming the command that makes one", async () => {
    await expect(createNextHandler({ dev: false, dir })).rejects.toThrow(
      `the dashboard is not built (no ${path.join(dir, ".next", "BUILD_ID")}): run \`${BUILD_COMMAND}\` first`,
    );
    expect(BUILD_COMMAND).toBe("npm run build -w @tweetream/web");
  });
});
