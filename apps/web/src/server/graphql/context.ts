import type { GatewayServices } from "./gateway-services.ts";

/** Per-operation context: the services and whether the caller proved to be an admin. */
export interface GatewayContext {
  services: GatewayServices;
  /** True when the request carried the admin token. */
  admin: boolean;
}
