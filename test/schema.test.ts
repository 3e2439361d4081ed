import { readFile } from "node:fs/promises";
import path from "node:path";
import { createSchema, printSortedSchema } from "../src/schema";

describe("schema.graphql", () => {
  it("matches the schema the code builds (run `npm run schema` after changing the API)", async () => {
    const committed = await readFile(path.join(__dirname, "..", "schema.graphql"), "utf8");
    expect(printSortedSchema(await createSchema())).toBe(committed);
  });
});
