import type { DataSource, EntityManager } from "typeorm";
import { fail, failAll, ok, UserErrorCode, type Result } from "../../shared/errors";
import type { Clock } from "../../shared/time";
import { parseCsv } from "../pricing";
import { CqcLocationEntity } from "./cqc-location.entity";
import { isActiveLocation, parseRegister, planRegisterImport, type RegisterPlan } from "./cqc-register.rules";
import { CqcLocationStatus } from "./provider.enums";

/**
 * Asked when locations leave the register: deactivates the active listings in CQC-regulated
 * categories of providers whose CQC location is no longer active; the number deactivated
 * (listings live in the listings module, which depends on this one).
 */
export type RegulatedListingDeactivator = (tx: EntityManager) => Promise<{ listingId: string; providerId: string }[]>;

export interface CqcImportCommand {
  csv: string;
  /** Report what would change, and change nothing. */
  dryRun: boolean;
}

export interface CqcImportSummary {
  dryRun: boolean;
  /** Locations in the file. */
  locations: number;
  added: number;
  changed: number;
  unchanged: number;
  deregistered: number;
  /** Providers whose rating the register changed. */
  ratingsUpdated: number;
  /** Regulated listings taken out of the catalogue because their provider's location is no longer active. */
  deactivatedListings: { listingId: string; providerId: string }[];
  changes: RegisterPlan["changes"];
}

class DryRun extends Error {
  constructor(readonly summary: CqcImportSummary) {
    super("dry run");
  }
}

/** The CQC register of locations: its import, and whether a location may carry on regulated activity. */
export class CqcRegisterService {
  constructor(
    private readonly db: DataSource,
    private readonly deactivateUnregistered: RegulatedListingDeactivator,
    private readonly clock: Clock,
  ) {}

  /** The stored location, read through `tx`; null when the register has never listed it. */
  location(tx: EntityManager, locationId: string): Promise<CqcLocationEntity | null> {
    return tx.findOneBy(CqcLocationEntity, { locationId });
  }

  /** Is the location registered and not dormant in the last register imported? */
  async isActive(tx: EntityManager, locationId: string | null): Promise<boolean> {
    return locationId !== null && isActiveLocation(await this.location(tx, locationId));
  }

  /**
   * Loads a full register: adds and updates its locations, marks those no longer listed
   * DEREGISTERED, takes the register's ratings onto providers, and deactivates regulated listings of
   * providers whose location is no longer active. One transaction; a dry run rolls it back.
   */
  async import(command: CqcImportCommand): Promise<Result<CqcImportSummary>> {
    const { locations, errors } = parseRegister(parseCsv(command.csv));
    if (errors.length) return failAll(errors);
    if (!locations.length) return fail(UserErrorCode.INVALID_VALUE, "The register lists no locations.", ["csv"]);
    const now = this.clock.now();
    try {
      return await this.db.transaction(async (tx) => {
        // One import at a time: a second waits, then plans against the first's result.
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('cqc_register_import'))");
        const stored = await tx.find(CqcLocationEntity);
        const plan = planRegisterImport(stored, locations);
        for (let i = 0; i < plan.upserts.length; i += 5_000) {
          const rows = plan.upserts.slice(i, i + 5_000).map((l) => ({ ...l, importedAt: now }));
          await tx
            .createQueryBuilder()
            .insert()
            .into(CqcLocationEntity)
            .values(rows)
            .orUpdate(["name", "postcode", "status", "rating", "regulated_activities", "registered_on", "imported_at"], ["location_id"])
            .execute();
        }
        if (plan.deregistered.length) {
          await tx.query("UPDATE cqc_locations SET status = $1, imported_at = $2 WHERE location_id = ANY($3::varchar[])", [
            CqcLocationStatus.DEREGISTERED,
            now,
            plan.deregistered,
          ]);
        }
        // The rating shown is the register's.
        const rated: unknown[] = await tx.query(
          `UPDATE providers p SET cqc_rating = c.rating, updated_at = $1 FROM cqc_locations c
           WHERE c.location_id = p.cqc_location_id AND p.cqc_rating IS DISTINCT FROM c.rating RETURNING p.id`,
          [now],
        );
        const summary: CqcImportSummary = {
          dryRun: command.dryRun,
          locations: locations.length,
          added: plan.changes.filter((c) => c.kind === "ADDED").length,
          changed: plan.changes.filter((c) => c.kind === "CHANGED").length,
          unchanged: plan.unchanged,
          deregistered: plan.deregistered.length,
          ratingsUpdated: rowCount(rated),
          deactivatedListings: await this.deactivateUnregistered(tx),
          changes: plan.changes,
        };
        if (command.dryRun) throw new DryRun(summary);
        return ok(summary);
      });
    } catch (error) {
      if (error instanceof DryRun) return ok(error.summary);
      throw error;
    }
  }
}

/** UPDATE … RETURNING through TypeORM answers [rows, count]. */
function rowCount(result: unknown[]): number {
  return Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
}
