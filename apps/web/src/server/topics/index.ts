export * from "./topic-admin.ts";
export * from "./topic-admin-error.ts";
