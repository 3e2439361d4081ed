/**
 * The architecture, checked: modules import each other one way only, through index.ts; and no
 * query or mutation is open by accident (each declares who may call it).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { getMetadataStorage } from "type-graphql";
import { createSchema } from "../../src/schema";

const MODULES_DIR = path.join(__dirname, "..", "..", "src", "modules");
/** Lowest first: a module may import only modules listed before it. */
const ORDER = readFileSync(path.join(MODULES_DIR, "index.ts"), "utf8")
  .match(/const modules: Module\[\] = \[([^\]]+)\]/)![1]
  .split(",")
  .map((name) => name.trim().replace(/Module$/, ""));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : [],
  );
}

describe("module dependencies", () => {
  const modules = readdirSync(MODULES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

  it("every module folder is registered in src/modules/index.ts", () => {
    expect([...modules].sort()).toEqual([...ORDER].sort());
  });

  it.each(modules)("%s imports only lower modules, through their index", (module) => {
    const offences: string[] = [];
    for (const file of sourceFiles(path.join(MODULES_DIR, module))) {
      for (const [, target] of readFileSync(file, "utf8").matchAll(/from "\.\.\/([a-z-]+)(\/[^"]*)?"/g)) {
        if (target === "shared" || target === "..") continue;
        if (ORDER.indexOf(target) >= ORDER.indexOf(module)) offences.push(`${path.basename(file)} imports ${target}`);
      }
    }
    expect(offences).toEqual([]);
  });
});

describe("authorization", () => {
  it("every query and mutation declares who may call it (@Authorized, or PUBLIC)", async () => {
    await createSchema();
    const storage = getMetadataStorage();
    const open = [...storage.queries, ...storage.mutations].filter((handler) => handler.roles === undefined).map((h) => h.schemaName);
    expect(open).toEqual([]);
  });
});
