export * from "./topic-admin.ts";
export * from "./topic-admin-error.ts";
export { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH } from "./validate-topic-input.ts";
