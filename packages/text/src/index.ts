export * from "./preprocess/index.ts";
export * from "./rules/index.ts";
