import type { DataSource, EntityManager, Repository } from "typeorm";
import { In } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode, transactionResult } from "../../shared/db";
import { fail, failAll, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { addDays, type Clock } from "../../shared/time";
import { Unit, type ReferenceService } from "../reference";
import { COUNCIL_KINDS, SourceKind } from "./pricing.enums";
import { ReferenceRateEntity } from "./reference-rate.entity";
import type { ImportReferenceRatesCommand, SetReferenceRateCommand } from "./reference-rate.commands";
import { NATIONAL_CODE, snapshotOn, type PricedTerms, type VisitSnapshot } from "./reference-rate.queries";
import { isDate, overlaps, readRateCard, sameVersion, sameYardstick, type RateRow, type RateVersion } from "./reference-rate.rules";

export interface ImportSummary {
  created: number;
  unchanged: number;
  /** Open versions that a new version closed. */
  closed: number;
  dryRun: boolean;
}

/** What happens to an existing version when a new one is added. */
type Plan = { kind: "unchanged" } | { kind: "create"; closes: ReferenceRateEntity | null } | { kind: "overlap"; with: ReferenceRateEntity };

/** One version of a reference rate, as other modules read it. */
export interface ReferenceRateRecord extends Readonly<RateVersion> {
  readonly id: string;
  readonly source: string;
}

export class ReferenceRateService {
  private readonly rates: Repository<ReferenceRateEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly clock: Clock,
  ) {
    this.rates = db.getRepository(ReferenceRateEntity);
  }

  /** Commissioners set their own funding body's rates; admins any, including the national ones. */
  canSet(viewer: Viewer, fundingBodyCode: string): boolean {
    return (
      viewer.roles.has(Role.ADMIN) || (viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode === fundingBodyCode && fundingBodyCode !== NATIONAL_CODE)
    );
  }

  /** Versions of a funding body's rates (all of them, or those in force on a day). */
  list(fundingBodyCode: string, categoryCode: string | null | undefined, on: string | null | undefined): Promise<ReferenceRateEntity[]> {
    const query = this.rates.createQueryBuilder("r").where("r.funding_body_code = :fundingBodyCode", { fundingBodyCode });
    if (categoryCode) query.andWhere("r.category_code = :categoryCode", { categoryCode });
    if (on) query.andWhere("r.valid_from <= :on AND (r.valid_to IS NULL OR r.valid_to >= :on)", { on });
    return query
      .orderBy("r.category_code")
      .addOrderBy("r.unit")
      .addOrderBy("r.rate_type")
      .addOrderBy("r.source_kind")
      .addOrderBy("r.valid_from", "DESC")
      .limit(1000)
      .getMany();
  }

  /** Every version that may price `category` for a funding body between two days: its own rates and England's minimum price. */
  versionsFor(tx: EntityManager, fundingBodyCode: string, categoryCode: string, from: string, to: string): Promise<ReferenceRateRecord[]> {
    return tx
      .createQueryBuilder(ReferenceRateEntity, "r")
      .where("r.category_code = :categoryCode AND r.valid_from <= :to AND (r.valid_to IS NULL OR r.valid_to >= :from)", { categoryCode, from, to })
      .andWhere(
        "((r.funding_body_code = :fundingBodyCode AND r.source_kind IN (:...council)) OR (r.funding_body_code = :national AND r.source_kind = :minimum))",
        {
          fundingBodyCode,
          council: COUNCIL_KINDS,
          national: NATIONAL_CODE,
          minimum: SourceKind.MINIMUM_PRICE,
        },
      )
      .getMany();
  }

  /**
   * A visit's comparison as known when it is delivered (issue 10, item 6): the rate in force on its
   * day among the versions known now, so a rate published after the booking counts for the visits
   * delivered after it is published. The caller freezes it on the visit; delivered visits are never
   * recomputed. The minimum-price flag stays as judged at booking (it is not part of this answer).
   */
  async snapshotAtDelivery(
    tx: EntityManager,
    fundingBody: { code: string; referenceFallback: boolean },
    terms: PricedTerms,
    visit: { day: string; units: number; unitPricePence: number },
  ): Promise<Omit<VisitSnapshot, "belowMinimumPrice">> {
    const versions = await this.versionsFor(tx, fundingBody.code, terms.categoryCode, visit.day, visit.day);
    const { belowMinimumPrice: _judgedAtBooking, ...reference } = snapshotOn(
      versions,
      terms,
      visit.day,
      visit.units,
      visit.unitPricePence,
      fundingBody.referenceFallback,
    );
    return reference;
  }

  /** Adds a version; never overwrites one. An open version that began earlier is closed the day before. */
  async set(viewer: Viewer, command: SetReferenceRateCommand): Promise<Result<ReferenceRateEntity>> {
    if (!this.canSet(viewer, command.fundingBodyCode))
      return fail(UserErrorCode.NOT_PERMITTED, "You can set the rates of your own funding body only.", ["fundingBodyCode"]);
    const { source, ...version } = command;
    const errors = await this.checkVersion(version);
    if (errors.length) return failAll(errors);
    return this.saving(() =>
      transactionResult(this.db, async (tx) => {
        const existing = await this.versionsLike(tx, [version], true);
        const plan = planFor(version, existing);
        if (plan.kind === "overlap") return fail(UserErrorCode.RATE_OVERLAP, overlapMessage(plan.with), ["validFrom"]);
        if (plan.kind === "unchanged") return ok(existing.find((e) => sameVersion(e, version))!);
        return ok(await this.write(tx, version, source, plan.closes, viewer.userId));
      }),
    );
  }

  /**
   * Imports a rate card in one transaction: every row checked first, and every bad row reported
   * by line; nothing is imported if any row is bad, or on a dry run. Rows already present are
   * left alone, so importing the same card twice creates nothing the second time.
   */
  async import(viewer: Viewer, command: ImportReferenceRatesCommand): Promise<Result<ImportSummary>> {
    const [categories, fundingBodies] = await Promise.all([this.reference.listCategories(), this.reference.listFundingBodies()]);
    const { rows, errors } = readRateCard(command.csv, {
      categories: new Set(categories.map((c) => c.code)),
      fundingBodies: new Set(fundingBodies.map((f) => f.code)),
    });
    const lineError = (row: RateRow, code: UserErrorCode, what: string) =>
      errors.push({ code, message: `Line ${row.line}: ${what}`, field: ["csv", row.line] });
    for (const row of rows)
      if (!this.canSet(viewer, row.fundingBodyCode)) lineError(row, UserErrorCode.NOT_PERMITTED, `you cannot set the rates of ${row.fundingBodyCode}.`);

    return this.saving(() =>
      transactionResult(this.db, async (tx) => {
        const existing = await this.versionsLike(tx, rows, !command.dryRun);
        const plans = rows.map((row) => ({ row, plan: planFor(row, existing) }));
        for (const { row, plan } of plans) if (plan.kind === "overlap") lineError(row, UserErrorCode.RATE_OVERLAP, overlapMessage(plan.with));
        if (errors.length) return failAll(errors.sort((a, b) => Number(a.field?.[1]) - Number(b.field?.[1])));
        const creating = plans.filter((p) => p.plan.kind === "create");
        const summary = {
          created: creating.length,
          unchanged: plans.length - creating.length,
          closed: creating.filter((p) => p.plan.kind === "create" && p.plan.closes).length,
          dryRun: command.dryRun,
        };
        if (command.dryRun) return ok(summary);
        for (const { row, plan } of creating) await this.write(tx, row, row.source, plan.kind === "create" ? plan.closes : null, viewer.userId);
        return ok(summary);
      }),
    );
  }

  private async write(
    tx: EntityManager,
    version: RateVersion,
    source: string,
    closes: ReferenceRateEntity | null,
    userId: string,
  ): Promise<ReferenceRateEntity> {
    if (closes) {
      await tx.update(ReferenceRateEntity, { id: closes.id }, { validTo: addDays(version.validFrom, -1) });
      closes.validTo = addDays(version.validFrom, -1);
    }
    const rate = Object.assign(new ReferenceRateEntity(), { id: newId(), ...version, source, createdByUserId: userId, createdAt: this.clock.now() });
    await insertRows(tx, ReferenceRateEntity, [rate]);
    return rate;
  }

  /** Existing versions of the yardsticks of `versions`, locked against a concurrent change when writing. */
  private versionsLike(tx: EntityManager, versions: RateVersion[], lock: boolean): Promise<ReferenceRateEntity[]> {
    if (versions.length === 0) return Promise.resolve([]);
    return tx.find(ReferenceRateEntity, {
      where: { fundingBodyCode: In([...new Set(versions.map((v) => v.fundingBodyCode))]), categoryCode: In([...new Set(versions.map((v) => v.categoryCode))]) },
      ...(lock ? { lock: { mode: "pessimistic_write" as const } } : {}),
    });
  }

  private async checkVersion(version: RateVersion): Promise<UserErrorData[]> {
    const errors: UserErrorData[] = [];
    const invalid = (field: string, message: string, code = UserErrorCode.INVALID_VALUE) => errors.push({ code, message, field: [field] });
    if (!(await this.reference.findCategory(version.categoryCode)))
      invalid("categoryCode", `No category has code ${version.categoryCode}.`, UserErrorCode.NOT_FOUND);
    if ((await this.reference.unknownFundingBodies([version.fundingBodyCode])).length)
      invalid("fundingBodyCode", `No funding body has code ${version.fundingBodyCode}.`, UserErrorCode.NOT_FOUND);
    if ((version.unit === Unit.VISIT) !== (version.visitMinutes !== null)) invalid("visitMinutes", "Give visitMinutes for VISIT rates, and only for them.");
    if (!(Number.isInteger(version.ratePence) && version.ratePence > 0)) invalid("ratePence", "The rate is a positive whole number of pence.");
    if (!isDate(version.validFrom)) invalid("validFrom", "Give the first day as a date.");
    if (version.validTo !== null && version.validTo < version.validFrom) invalid("validTo", "The last day is before the first.");
    return errors;
  }

  /** The exclusion constraint has the last word when two writers race. */
  private async saving<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await work();
    } catch (error) {
      if (isViolation(error, PgCode.EXCLUSION_VIOLATION, "excl_reference_rates_overlap")) {
        return fail(UserErrorCode.RATE_OVERLAP, "Another version of this rate is in force on one of these days.", ["validFrom"]);
      }
      throw error;
    }
  }
}

/** A new version is unchanged (already there), closes the open version it follows, or overlaps one. */
function planFor(version: RateVersion, existing: ReferenceRateEntity[]): Plan {
  const same = existing.filter((e) => sameYardstick(e, version));
  if (same.some((e) => sameVersion(e, version))) return { kind: "unchanged" };
  const closes = same.find((e) => e.validTo === null && e.validFrom < version.validFrom) ?? null;
  const clash = same.find((e) => e !== closes && overlaps(e, version));
  return clash ? { kind: "overlap", with: clash } : { kind: "create", closes };
}

function overlapMessage(rate: ReferenceRateEntity): string {
  return `a version of this rate (${rate.ratePence}p from ${rate.validFrom}${rate.validTo ? ` to ${rate.validTo}` : ""}) is already in force on some of these days; versions are never overwritten.`;
}
