import { describe, expect, it } from "vitest";
import { requestIdOf } from "./request-log.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("requestIdOf", () => {
  it("keeps a well-formed x-request-id", () => {
    expect(requestIdOf({ "x-request-id": "abc-123_x.y:z" })).toBe("abc-123_x.y:z");
    expect(requestIdOf({ "x-request-id": "a".repeat(128) })).toBe("a".repeat(128));
  });

  it("makes a UUID when there is none or it is too long or has other characters", () => {
    expect(requestIdOf({})).toMatch(UUID);
    expect(requestIdOf({ "x-request-id": "" })).toMatch(UUID);
    expect(requestIdOf({ "x-request-id": "a".repeat(129) })).toMatch(UUID);
    expect(requestIdOf({ "x-request-id": "id with spaces" })).toMatch(UUID);
    expect(requestIdOf({ "x-request-id": 'x"\n{' })).toMatch(UUID);
    expect(requestIdOf({})).not.toBe(requestIdOf({}));
  });
});
