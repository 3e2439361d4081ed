import { afterCursor, Connection, cursorIn, decodeCursor, encodeCursor } from "../../src/shared/pagination";

describe("keyset cursors", () => {
  it("round-trip the sort values of their order", () => {
    const cursor = encodeCursor("PRICE_ASC", [1500, "01a233be-c211-7019-bd4a-9c674cd30b18"]);
    expect(decodeCursor(cursor, "PRICE_ASC", 2)).toEqual([1500, "01a233be-c211-7019-bd4a-9c674cd30b18"]);
  });

  it.each([
    ["another order's cursor", encodeCursor("NEWEST", ["abc"]), "PRICE_ASC", 2],
    ["the wrong number of values", encodeCursor("PRICE_ASC", [1500]), "PRICE_ASC", 2],
    ["garbage", "%%%", "PRICE_ASC", 2],
    ["JSON that is not a cursor", Buffer.from('{"a":1}').toString("base64url"), "PRICE_ASC", 2],
  ])("refuse %s as BAD_USER_INPUT", (_what, cursor, order, arity) => {
    expect(() => decodeCursor(cursor, order, arity)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }));
  });
});

describe("connections", () => {
  it("use the extra row only to tell that another page exists", async () => {
    const page = new Connection(
      [1, 2, 3],
      2,
      (n) => `c${n}`,
      async () => 3,
    );
    expect(page.nodes).toEqual([1, 2]);
    expect(page.edges.map(({ cursor, node }) => ({ cursor, node }))).toEqual([
      { cursor: "c1", node: 1 },
      { cursor: "c2", node: 2 },
    ]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: "c1", endCursor: "c2" });
    expect(await page.totalCount).toBe(3);
  });

  it("count only when asked", () => {
    const count = jest.fn(async () => 0);
    const page = new Connection([], 20, String, count);
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(count).not.toHaveBeenCalled();
  });
});

describe("keyset conditions", () => {
  const keyset = {
    name: "NAME",
    keys: [
      { sql: "p.name", of: (r: { name: string; id: string }) => r.name },
      { sql: "p.id", cast: "uuid", of: (r: { name: string; id: string }) => r.id },
    ],
    direction: "ASC" as const,
  };

  it("continue after the cursor's row, binding its values", () => {
    const values: unknown[] = [];
    const sql = afterCursor(
      keyset,
      cursorIn(keyset, { name: "Ann", id: "01a233be-c211-7019-bd4a-9c674cd30b18" }),
      (v) => (values.push(v), `$${values.length}`),
    );
    expect(sql).toBe("(p.name, p.id) > ($1, $2::uuid)");
    expect(values).toEqual(["Ann", "01a233be-c211-7019-bd4a-9c674cd30b18"]);
  });

  it("go the other way for a descending order", () => {
    expect(afterCursor({ ...keyset, direction: "DESC" }, encodeCursor("NAME", ["Ann", "01a233be-c211-7019-bd4a-9c674cd30b18"]), () => "?")).toBe(
      "(p.name, p.id) < (?, ?::uuid)",
    );
  });
});
