// docker/Dockerfile, parsed with dockerfile-ast and split into its stages.
import { DockerfileParser, ModifiableInstruction, type Instruction } from "dockerfile-ast";
import { readRepoFile } from "./repo-files.ts";

export interface Stage {
  /** The stage's name (`AS name`). */
  name: string;
  /** The FROM image, with the Dockerfile's initial ARG defaults substituted. */
  from: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, in order. */
export function readStages(relative: string): Stage[] {
  const dockerfile = DockerfileParser.parse(readRepoFile(relative));
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) args.set(property.getName(), property.getValue() ?? "");
  }
  const stages: Stage[] = [];
  for (const from of dockerfile.getFROMs()) {
    const image = (from.getImage() ?? "").replace(
      /\$\{(\w+)\}|\$(\w+)/g,
      (_match, braced?: string, bare?: string) => args.get(braced ?? bare ?? "") ?? "",
    );
    stages.push({ name: from.getBuildStage() ?? "", from: image, instructions: [] });
  }
  let index = -1;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") index += 1;
    else stages[index]?.instructions.push(instruction);
  }
  return stages;
}

/** A stage and the stages it is built FROM, nearest first (its own image last). */
export function lineage(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  let current = stages.find((stage) => stage.name === name);
  while (current) {
    chain.push(current);
    const parent = current.from;
    current = stages.find((stage) => stage.name === parent);
  }
  return chain;
}

/** The last instruction with `keyword` in a stage or its parents (Docker's inheritance). */
export function effective(stages: Stage[], name: string, keyword: string): Instruction | undefined {
  for (const stage of lineage(stages, name)) {
    const found = stage.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
    if (found) return found;
  }
  return undefined;
}

/** Every ENV a stage sees (parents first, so a stage's own value wins). */
export function environment(stages: Stage[], name: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const stage of lineage(stages, name).reverse()) {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== "ENV") continue;
      const args = instruction.getArguments().map((a) => a.getValue());
      for (const arg of args) {
        const at = arg.indexOf("=");
        if (at > 0) env.set(arg.slice(0, at), arg.slice(at + 1));
      }
    }
  }
  return env;
}

/** An instruction's flags as `name=value` (e.g. `from=build` of `COPY --from=build`). */
export function flagsOf(instruction: Instruction): string[] {
  if (!(instruction instanceof ModifiableInstruction)) return [];
  return instruction.getFlags().map((flag) => `${flag.getName()}=${flag.getValue() ?? ""}`);
}
