export { startGateway, type Gateway, type GatewayOptions } from "./gateway.ts";
export type { GatewayServices } from "./gateway-services.ts";
export type { GraphQLLimits } from "./limits.ts";
export { LiveTopics } from "./live-topics.ts";
export { startTopicSync } from "./topic-sync.ts";
export { trustedProxies } from "./client-address.ts";
export { TOO_MANY_CONNECTIONS_CLOSE_CODE } from "./ws-server.ts";
