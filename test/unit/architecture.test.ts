/**
 * The architecture, checked: modules import each other one way only, through index.ts; the shared
 * request context knows no module; and no query or mutation is open by accident (each declares who
 * may call it). Import cycles of any kind are refused by `npm run lint:cycles`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { getMetadataStorage } from "type-graphql";
import { getMetadataArgsStorage } from "typeorm";
import { createSchema } from "../../src/schema";

const SRC_DIR = path.join(__dirname, "..", "..", "src");
const MODULES_DIR = path.join(SRC_DIR, "modules");
/** Lowest first: a module may import only modules listed before it. */
const ORDER = readFileSync(path.join(MODULES_DIR, "index.ts"), "utf8")
  .match(/const modules: Module\[\] = \[([^\]]+)\]/)![1]
  .split(",")
  .map((name) => name.trim().replace(/Module$/, ""))
  .filter(Boolean); // a trailing comma, once the list is one name a line

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : [],
  );
}

describe("module dependencies", () => {
  const modules = readdirSync(MODULES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

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

  it.each(modules)("%s exports no entity class: other modules read its rows through verbs and read models", (module) => {
    const surface = jest.requireActual<Record<string, unknown>>(path.join(MODULES_DIR, module));
    const entities = new Set(getMetadataArgsStorage().tables.map((table) => table.target));
    const exported = Object.entries(surface).filter(([, value]) => entities.has(value as never));
    expect(exported.map(([name]) => name)).toEqual([]);
  });
});

describe("the request context", () => {
  it("src/context.ts imports no module: only src/shared/ and packages (app.ts composes the modules)", () => {
    const source = readFileSync(path.join(SRC_DIR, "context.ts"), "utf8");
    const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map(([, specifier]) => specifier);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => specifier.startsWith(".") && !specifier.startsWith("./shared/"))).toEqual([]);
  });

  it("each module's context extends only the module just below it", () => {
    const offences: string[] = [];
    ORDER.forEach((module, i) => {
      const source = readFileSync(path.join(MODULES_DIR, module, "context.ts"), "utf8");
      const modulesImported = [...source.matchAll(/from "\.\.\/([a-z-]+)"/g)].map(([, target]) => target);
      const expected = i === 0 ? [] : [ORDER[i - 1]];
      if (JSON.stringify(modulesImported) !== JSON.stringify(expected))
        offences.push(`${module} extends [${modulesImported.join(", ")}], not [${expected.join(", ")}]`);
    });
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
