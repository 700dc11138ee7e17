import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const CLI = path.join(import.meta.dirname, "classify.ts");
const Output = z.object({
  text: z.string(),
  cleanText: z.string(),
  label: z.enum(["traffic", "non_traffic"]),
  score: z.number().min(0.5).max(1),
});

/** Runs the CLI through tsx with `input` on stdin; resolves with its stdout lines. */
async function runCli(input: string): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject).on("close", resolve);
  });
  return { code, lines: stdout.split("\n").filter((line) => line !== "") };
}

describe("classify CLI", () => {
  it("prints one JSON line per input line with the same preprocessing and model", async () => {
    const { code, lines } = await runCli(
      "Macet total di tol Cikampek km 57, antrian kendaraan 5 km\r\naku kangen kamu\n\n",
    );
    expect(code).toBe(0);
    const outputs = lines.map((line) => Output.parse(JSON.parse(line)));
    expect(outputs.map(({ label }) => label)).toEqual(["traffic", "non_traffic", "non_traffic"]);
    expect(outputs[0]?.text).toBe("Macet total di tol Cikampek km 57, antrian kendaraan 5 km");
    expect(outputs[0]?.cleanText).toBe("macet total tol cikampek km 57 antre kendaraan 5 km");
    expect(outputs[2]?.cleanText).toBe("");
  });

  it("streams large input in order", async () => {
    const texts = Array.from({ length: 3000 }, (_, i) =>
      i % 3 === 0 ? `arus lalin simpang ${i} padat merayap` : `selamat ulang tahun ${i} ya`,
    );
    const { code, lines } = await runCli(texts.join("\n") + "\n");
    expect(code).toBe(0);
    const outputs = lines.map((line) => Output.parse(JSON.parse(line)));
    expect(outputs.map(({ text }) => text)).toEqual(texts);
    expect(outputs.filter(({ label }) => label === "traffic")).toHaveLength(1000);
  });
});
