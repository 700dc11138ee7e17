// Prints, for each detection mode, how many posts of each labelled corpus the
// language gate would keep from the model (docs/MODEL.md, "Languages"):
//   npm run measure:language-gate -w @tweetream/classifier [-- --show 40]
// --show N prints N evenly spaced gated posts of each corpus and mode, to read by hand.
import { parseArgs } from "node:util";
import { DETECT_LANGUAGE_MODES } from "../src/language-gate.ts";
import { loadModel } from "../src/model.ts";
import { dataDir } from "./env.ts";
import { measureGateOnCorpora } from "./language-gate-corpora.ts";

const { values } = parseArgs({ options: { show: { type: "string", default: "0" } } });
const show = Number(values.show);
if (!Number.isInteger(show) || show < 0)
  throw new Error(`--show takes a count, got ${values.show}`);

const model = await loadModel();
const { languages } = model;
await model.close();
const dir = dataDir();
console.log(`model languages: ${languages.join(", ")}; every post untagged (lang "und")`);
for (const mode of DETECT_LANGUAGE_MODES) {
  const started = performance.now();
  const figures = await measureGateOnCorpora(dir, languages, mode);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\nCLASSIFIER_DETECT_LANGUAGE=${mode} (${seconds} s)`);
  console.log("| corpus | posts | not classified | still get a traffic label | languages gated |");
  console.log("|---|---:|---:|---:|---|");
  for (const { file, posts, gated, kept, languages: top } of figures) {
    const named = top
      .slice(0, 5)
      .map(([language, count]) => `${language} ${count.toLocaleString("en")}`)
      .join(", ");
    console.log(
      `| ${file} | ${posts.toLocaleString("en")} | ${gated.toLocaleString("en")} | ${(kept * 100).toFixed(2)}% | ${named || "none"} |`,
    );
  }
  for (const { file, gatedPosts } of figures) {
    const step = gatedPosts.length / show;
    for (let i = 0; i < Math.min(show, gatedPosts.length); i++) {
      const post = gatedPosts[Math.floor(i * step)];
      if (post) console.log(`  ${file} ${post.language} | ${post.text.slice(0, 120)}`);
    }
  }
}
