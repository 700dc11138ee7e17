// The language gate must not turn Indonesian posts into "not classified": on
// every labelled corpus, with the default detection mode and no language tags,
// at least 99.5% of the posts still reach the model (docs/MODEL.md, "Languages").
// Needs the corpora (<repo>/../shared/data or TWEETREAM_DATA_DIR): it fails,
// never skips, without them.
import { describe, expect, it } from "vitest";
import { loadModel } from "../src/model.ts";
import { dataDir } from "../training/env.ts";
import { measureGateOnCorpora } from "../training/language-gate-corpora.ts";

describe("language gate on the Indonesian corpora", () => {
  it("keeps at least 99.5% of every corpus's posts for the model in the default mode", async () => {
    const model = await loadModel();
    const { languages } = model;
    await model.close();
    const figures = await measureGateOnCorpora(dataDir(), languages, "other-scripts");
    expect(figures).toHaveLength(6);
    for (const { file, kept } of figures) expect(kept, file).toBeGreaterThanOrEqual(0.995);
    // It does gate: the non-traffic corpus holds posts in Japanese, Arabic and Korean.
    const nonTraffic = figures.find((f) => f.file === "non_traffic_tweets.txt");
    expect(nonTraffic?.languages.map(([language]) => language)).toEqual(
      expect.arrayContaining(["ja", "ar", "ko"]),
    );
  });
});
