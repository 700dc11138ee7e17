import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address.ts";

const request = (headers: IncomingMessage["headers"]) => ({
  headers,
  socket: { remoteAddress: "10.0.0.2" },
});

describe("clientAddress", () => {
  it("uses the TCP peer unless a proxy header is configured and present", () => {
    expect(clientAddress(request({ "x-real-ip": "203.0.113.9" }), undefined)).toBe("10.0.0.2");
    expect(clientAddress(request({ "x-real-ip": "203.0.113.9" }), "x-real-ip")).toBe("203.0.113.9");
    expect(clientAddress(request({}), "x-real-ip")).toBe("10.0.0.2");
    expect(
      clientAddress(request({ "x-forwarded-for": "198.51.100.7, 10.0.0.1" }), "x-forwarded-for"),
    ).toBe("198.51.100.7");
  });
});
