import { createDataSource } from "../ormconfig";
import { migrations } from "../migrations";
import { scratchDatabaseUrl } from "./support/db";

describe("migrations", () => {
  it("build from nothing exactly the schema the entities describe", async () => {
    const db = createDataSource({ url: await scratchDatabaseUrl("migrations_drift"), poolSize: 1 });
    await db.initialize();
    try {
      expect((await db.runMigrations()).length).toBe(migrations.length);
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("can revert the latest migration and apply it again", async () => {
    const db = createDataSource({ url: await scratchDatabaseUrl("migrations_revert"), poolSize: 1 });
    await db.initialize();
    try {
      await db.runMigrations();
      await db.undoLastMigration();
      expect(await db.showMigrations()).toBe(true);
      expect((await db.runMigrations()).map((m) => m.name)).toEqual([migrations.at(-1)!.name]);
      expect(await db.showMigrations()).toBe(false);
    } finally {
      await db.destroy();
    }
  });
});
