import { newId, parseGlobalId, toGlobalId, uuidOf } from "../../src/shared/ids";

describe("global IDs", () => {
  const uuid = "01938f5e-6a4b-7c3d-8e2f-1a2b3c4d5e6f";

  it("round-trips type and key through an opaque base64url string", () => {
    const id = toGlobalId("Listing", uuid);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseGlobalId(id)).toEqual({ type: "Listing", key: uuid });
    expect(uuidOf(id, "Listing")).toBe(uuid);
  });

  it("gives no UUID for an ID of another type, a malformed ID or a non-UUID key", () => {
    expect(uuidOf(toGlobalId("Provider", uuid), "Listing")).toBeNull();
    expect(uuidOf("not base64!", "Listing")).toBeNull();
    expect(uuidOf(toGlobalId("Listing", "42"), "Listing")).toBeNull();
    expect(parseGlobalId(Buffer.from("no-colon").toString("base64url"))).toBeNull();
    expect(parseGlobalId("")).toBeNull();
  });

  it("makes version 7 UUIDs in creation order, also within one millisecond", () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
