/**
 * `npm run cqc-register -- <file.csv> [--dry-run]`: imports CQC's register of active locations (the
 * "HSCA Active Locations" CSV from https://www.cqc.org.uk/about-us/transparency/using-cqc-data,
 * too large for a GraphQL request) with the same service as `importCqcRegister`, and prints what
 * changed. Uses DATABASE_URL, or the embedded database.
 */
import "reflect-metadata";
import { readFile } from "node:fs/promises";
import { createDataSource } from "../ormconfig";
import { loadConfig } from "../src/config";
import { CqcRegisterService } from "../src/modules/providers";
import { deactivateUnregisteredListings } from "../src/modules/listings";
import { systemClock } from "../src/shared/time";
import { withDatabaseUrl } from "./with-database";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--"));
  if (!file) throw new Error("Usage: npm run cqc-register -- <HSCA active locations .csv> [--dry-run]");
  const csv = await readFile(file, "utf8");
  await withDatabaseUrl(loadConfig(), async (url) => {
    const db = createDataSource({ url, poolSize: 2 });
    await db.initialize();
    try {
      const deactivate = (tx: Parameters<typeof deactivateUnregisteredListings>[0]) => deactivateUnregisteredListings(tx, systemClock.now());
      const result = await new CqcRegisterService(db, deactivate, systemClock).import({ csv, dryRun: args.includes("--dry-run") });
      if (!result.ok) {
        for (const error of result.errors.slice(0, 50)) console.error(error.message);
        process.exitCode = 1;
        return;
      }
      const { changes, deactivatedListings, ...counts } = result.value;
      console.log(JSON.stringify({ ...counts, deactivatedListings: deactivatedListings.length }, null, 2));
      for (const change of changes.slice(0, 50)) console.log(`${change.kind.padEnd(12)} ${change.locationId} ${change.name}`);
      if (changes.length > 50) console.log(`… and ${changes.length - 50} more changes`);
    } finally {
      await db.destroy();
    }
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
