export { startWebServer, type WebServer, type WebServerOptions } from "./server/web-server.ts";
export { loadWebEnv, webEnvSchema, type WebEnv } from "./env.ts";
