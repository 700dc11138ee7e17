import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress, trustedProxies } from "./client-address.ts";

const request = (headers: IncomingMessage["headers"]) => ({
  headers,
  socket: { remoteAddress: "10.0.0.2" },
});
const privateProxies = { header: "x-real-ip", trust: trustedProxies(["uniquelocal"]) };

describe("clientAddress", () => {
  it("uses the TCP peer unless a proxy header is configured and present", () => {
    const none = { trust: trustedProxies(["uniquelocal"]) };
    expect(clientAddress(request({ "x-real-ip": "203.0.113.9" }), none)).toBe("10.0.0.2");
    expect(clientAddress(request({ "x-real-ip": "203.0.113.9" }), privateProxies)).toBe(
      "203.0.113.9",
    );
    expect(clientAddress(request({}), privateProxies)).toBe("10.0.0.2");
  });

  it("believes the header only from a trusted proxy", () => {
    const loopbackOnly = { header: "x-real-ip", trust: trustedProxies(["loopback"]) };
    // 10.0.0.2 is no trusted proxy: a client talking to the server directly.
    expect(clientAddress(request({ "x-real-ip": "203.0.113.9" }), loopbackOnly)).toBe("10.0.0.2");
    expect(
      clientAddress(request({ "x-real-ip": "203.0.113.9" }), {
        header: "x-real-ip",
        trust: trustedProxies(["10.0.0.0/24"]),
      }),
    ).toBe("203.0.113.9");
  });

  it("takes the nearest untrusted hop of a list, not what the client wrote in front of it", () => {
    const forwardedFor = { header: "x-forwarded-for", trust: trustedProxies(["uniquelocal"]) };
    // The client sent "6.6.6.6"; its proxy (10.0.0.1) appended the real address.
    expect(
      clientAddress(
        request({ "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.1" }),
        forwardedFor,
      ),
    ).toBe("198.51.100.7");
  });

  it("refuses a trusted-proxy entry that is not an address, range or name", () => {
    expect(() => trustedProxies(["not-an-address"])).toThrow(TypeError);
  });
});
