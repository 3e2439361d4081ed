/**
 * Finding the rate a price is measured against, in SQL, for statements that compare many prices
 * at once (the catalogue search, the loaders, the reports). The rule, mirrored by `pickRate`:
 * the funding body's own rate in force that day for the same category and rate type; the same unit
 * (and visit length) first, else an hourly rate pro rata for a visit; a direct-payment rate before
 * a framework rate. The minimum price is England's (E92000001) MINIMUM_PRICE, pro rata the same way.
 */
import { costPence } from "../../shared/money";
import { RateType, Unit } from "../reference";
import { COUNCIL_KINDS, ReferenceBasis, SourceKind } from "./pricing.enums";
import { isBelowMinimum, referencePerUnit, type RateVersion } from "./reference-rate.rules";

export const NATIONAL_CODE = "E92000001";

/**
 * `l`: an alias with category_code, unit, visit_minutes and rate_type (a listing, or a listing-like key).
 * `fallback`: a SQL condition under which a STANDARD rate stands in for a rate type with none; the
 * rate type's own rate always comes first. Columns: `id`, per-unit `pence`, `basis` (reference_basis).
 */
function lateral(l: string, fundingBody: string, on: string, kinds: string, fallback: string): string {
  return `(
    SELECT r.id, CASE WHEN r.unit = 'HOUR' AND ${l}.unit = 'VISIT' THEN round(r.rate_pence * ${l}.visit_minutes / 60.0)::int ELSE r.rate_pence END AS pence,
      (CASE WHEN r.rate_type = ${l}.rate_type THEN '${ReferenceBasis.PUBLISHED}' ELSE '${ReferenceBasis.FALLBACK_STANDARD}' END)::reference_basis AS basis
    FROM reference_rates r
    WHERE r.funding_body_code = ${fundingBody} AND r.category_code = ${l}.category_code
      AND (r.rate_type = ${l}.rate_type OR (r.rate_type = '${RateType.STANDARD}' AND ${fallback}))
      AND r.source_kind IN (${kinds})
      AND r.valid_from <= ${on} AND (r.valid_to IS NULL OR r.valid_to >= ${on})
      AND ((r.unit = ${l}.unit AND (${l}.unit <> 'VISIT' OR r.visit_minutes = ${l}.visit_minutes)) OR (r.unit = 'HOUR' AND ${l}.unit = 'VISIT' AND ${l}.visit_minutes IS NOT NULL))
    ORDER BY (r.rate_type = ${l}.rate_type) DESC, (r.unit = ${l}.unit) DESC, r.source_kind, r.valid_from DESC
    LIMIT 1)`;
}

const COUNCIL_KIND_LIST = COUNCIL_KINDS.map((k) => `'${k}'::reference_source_kind`).join(", ");

/**
 * LATERAL: the council rate (`id`, per-unit `pence`, `basis`) for listing-like `l`, for a funding body
 * and day given as SQL expressions; the STANDARD fallback where the funding body allows it.
 */
export function councilRateLateral(l: string, fundingBody: string, on: string): string {
  const fallback = `EXISTS (SELECT 1 FROM funding_bodies rfb WHERE rfb.code = ${fundingBody} AND rfb.reference_fallback)`;
  return lateral(l, fundingBody, on, COUNCIL_KIND_LIST, fallback);
}

/**
 * LATERAL: the funding body's STANDARD council rate in force for a category (SQL expressions), when no
 * listing's terms are there to match: an hourly rate first (the unit most care is bought in), a
 * direct-payment rate before a framework rate. Columns: `pence`, `unit`.
 */
export function categoryRateLateral(category: string, fundingBody: string, on: string): string {
  return `(
    SELECT r.rate_pence AS pence, r.unit FROM reference_rates r
    WHERE r.funding_body_code = ${fundingBody} AND r.category_code = ${category} AND r.rate_type = '${RateType.STANDARD}'
      AND r.source_kind IN (${COUNCIL_KIND_LIST})
      AND r.valid_from <= ${on} AND (r.valid_to IS NULL OR r.valid_to >= ${on})
    ORDER BY (r.unit = '${Unit.HOUR}') DESC, r.source_kind, r.valid_from DESC
    LIMIT 1)`;
}

export function minimumPriceLateral(l: string, on: string): string {
  return lateral(l, `'${NATIONAL_CODE}'`, on, `'${SourceKind.MINIMUM_PRICE}'::reference_source_kind`, "false");
}

/** `isBelowMinimum` in SQL, of two SQL expressions in pence (a NULL minimum: not below). */
export function belowMinimumSql(price: string, minimum: string): string {
  return `coalesce(${price} < ${minimum}, false)`;
}

/**
 * A booking is below the minimum when one of its active visits was priced below the minimum in force
 * on the visit's own day (the flag `snapshotOn` froze): the same answer as `Booking.belowMinimumPrice`.
 */
export function bookingBelowMinimumSql(booking: string): string {
  return `EXISTS (SELECT 1 FROM visits bv WHERE bv.booking_id = ${booking}.id AND bv.status IN ('SCHEDULED', 'DELIVERED') AND bv.below_minimum_price)`;
}

/** SQL of the saving, reference − cost (negative: a premium), of two SQL expressions in pence: `savingPence` in SQL. */
export function savingSql(reference: string, cost: string): string {
  return `(${reference} - ${cost})`;
}

/**
 * The saving in basis points of the reference (an integer division: exact in cursors). Worked out
 * in bigint, since a price £2,148 above its rate overflows int × 10,000, then held to the int range:
 * a premium beyond 214,748% sorts with the others that far out, by id. No rate stays NULL.
 */
export function savingBasisPointsSql(reference: string, cost: string): string {
  const basisPoints = `${savingSql(reference, cost)}::bigint * 10000 / ${reference}`;
  return `(CASE WHEN ${reference} IS NULL THEN NULL ELSE greatest(-2147483647, least(2147483647, ${basisPoints}))::int END)`; // greatest/least skip NULLs
}

export interface PricedTerms {
  categoryCode: string;
  unit: Unit;
  visitMinutes: number | null;
  rateType: RateType;
}

/**
 * The same rule in code, over versions already loaded: the rate in force on `day`, per unit; with
 * `fallback`, the STANDARD rate where none of the terms' rate type is in force (as `councilRateLateral`).
 */
export function pickRate<R extends RateVersion & { id: string }>(
  versions: R[],
  terms: PricedTerms,
  day: string,
  kinds: SourceKind[],
  fallback = false,
): { rate: R; pence: number; basis: ReferenceBasis } | null {
  const published = pickOfType(versions, terms, terms.rateType, day, kinds);
  if (published) return { ...published, basis: ReferenceBasis.PUBLISHED };
  const standard = fallback && terms.rateType !== RateType.STANDARD ? pickOfType(versions, terms, RateType.STANDARD, day, kinds) : null;
  return standard ? { ...standard, basis: ReferenceBasis.FALLBACK_STANDARD } : null;
}

function pickOfType<R extends RateVersion & { id: string }>(
  versions: R[],
  terms: PricedTerms,
  rateType: RateType,
  day: string,
  kinds: SourceKind[],
): { rate: R; pence: number } | null {
  const candidates = versions.filter(
    (r) =>
      kinds.includes(r.sourceKind) &&
      r.categoryCode === terms.categoryCode &&
      r.rateType === rateType &&
      r.validFrom <= day &&
      (r.validTo === null || r.validTo >= day) &&
      ((r.unit === terms.unit && (terms.unit !== Unit.VISIT || r.visitMinutes === terms.visitMinutes)) ||
        (r.unit === Unit.HOUR && terms.unit === Unit.VISIT && terms.visitMinutes !== null)),
  );
  candidates.sort(
    (a, b) =>
      Number(b.unit === terms.unit) - Number(a.unit === terms.unit) ||
      Object.values(SourceKind).indexOf(a.sourceKind) - Object.values(SourceKind).indexOf(b.sourceKind) ||
      b.validFrom.localeCompare(a.validFrom),
  );
  const rate = candidates[0];
  return rate ? { rate, pence: referencePerUnit(rate, terms) } : null;
}

export interface VisitSnapshot {
  referenceRateId: string | null;
  /** PUBLISHED, or FALLBACK_STANDARD where the STANDARD rate stood in; null without a reference. */
  referenceBasis: ReferenceBasis | null;
  /** units × the rate per unit; null when the funding body has no rate for these terms that day. */
  referenceCostPence: number | null;
  belowMinimumPrice: boolean;
}

/**
 * A visit's comparison: the rate in force on its own day among `versions` (the funding body's, and
 * England's minimum price), the STANDARD rate standing in when `fallback` (the funding body's
 * `referenceFallback`). Frozen when it is booked, and again when it is delivered (`ReferenceRateService.snapshotAtDelivery`).
 */
export function snapshotOn<R extends RateVersion & { id: string }>(
  versions: R[],
  terms: PricedTerms,
  day: string,
  units: number,
  unitPricePence: number,
  fallback = true,
): VisitSnapshot {
  const council = pickRate(versions, terms, day, COUNCIL_KINDS, fallback);
  const minimum = pickRate(versions, terms, day, [SourceKind.MINIMUM_PRICE]);
  return {
    referenceRateId: council?.rate.id ?? null,
    referenceBasis: council?.basis ?? null,
    referenceCostPence: council ? costPence(units, council.pence) : null,
    belowMinimumPrice: isBelowMinimum(unitPricePence, minimum?.pence ?? null),
  };
}
