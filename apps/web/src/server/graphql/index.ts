export { startGateway, type Gateway } from "./gateway.ts";
export { LiveTopics } from "./live-topics.ts";
export { RulePreviews } from "./rule-preview.ts";
export { startTopicSync } from "./topic-sync.ts";
export { trustedProxies } from "./client-address.ts";
export { TOO_MANY_CONNECTIONS_CLOSE_CODE } from "./ws-server.ts";
