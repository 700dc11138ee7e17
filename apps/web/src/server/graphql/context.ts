import type { Logger } from "@tweetream/shared";
import type { GatewayServices } from "./gateway-services.ts";
import type { OperationSocket } from "./ws-frames.ts";

/** Per-operation context: the services, who the caller is, and its logger and mutation budget. */
export interface GatewayContext {
  services: GatewayServices;
  /** True when the request carried the admin token. */
  admin: boolean;
  /** The request's (HTTP, with `requestId`) or operation's (WebSocket, with `connectionId` and `operationId`) logger. */
  logger: Logger;
  /** Counts one mutation against the caller's address; throws RATE_LIMITED over the limit. */
  consumeMutation: () => Promise<void>;
  /** Counts one query or subscription against the caller's address; throws RATE_LIMITED over the limit. */
  consumeOperation: () => Promise<void>;
  /** Counts one rule preview against the caller's address; throws RATE_LIMITED over the limit. */
  consumePreview: () => Promise<void>;
  /** A WebSocket operation's socket, for the frames the gateway writes itself (ws-frames.ts). */
  socket?: OperationSocket;
}
