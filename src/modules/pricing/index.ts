/** Pricing: reference rates (what funding bodies pay) and the comparison of prices with them. */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import type { PricingLoaders, ComparisonKey } from "./pricing.loaders";
import { ReferenceRateEntity } from "./reference-rate.entity";
import type { ReferenceBasis } from "./pricing.enums";
import type { ReferenceRateView } from "./pricing.models";
import { ReferenceRateFields, ReferenceRateMutations, ReferenceRateQueries } from "./reference-rate.resolver";
import { compare, legalMinimumPence, type Comparison } from "./reference-rate.rules";

export type { ReferenceRateView } from "./pricing.models";
export * from "./pricing.enums";
export { ReferenceRate, PriceComparison } from "./reference-rate.types";
export { ReferenceRateService, type ImportSummary, type ReferenceRateRecord } from "./reference-rate.service";
/** RFC 4180 CSV, lines numbered from 1 (also the CQC register import). */
export { parseCsv } from "./reference-rate.rules";
export type { ImportReferenceRatesCommand, SetReferenceRateCommand } from "./reference-rate.commands";
export { createPricingLoaders, comparisonKey, type PricingLoaders, type ComparisonKey, type RatesFor } from "./pricing.loaders";
export {
  categoryRateLateral,
  councilRateLateral,
  belowMinimumSql,
  bookingBelowMinimumSql,
  minimumPriceLateral,
  pickRate,
  savingBasisPointsSql,
  savingSql,
  snapshotOn,
  NATIONAL_CODE,
  type VisitSnapshot,
} from "./reference-rate.queries";
export {
  compare,
  isBelowMinimum,
  isDate,
  legalMinimumPence,
  NATIONAL_LIVING_WAGE,
  referencePerUnit,
  savingPence,
  type Comparison,
  type RateVersion,
} from "./reference-rate.rules";
export type { Context as PricingContext, PricingServices } from "./context";

/** A price against the rates of `key`; null when the funding body has no rate for these terms. */
export async function comparePrice(
  loaders: PricingLoaders,
  key: ComparisonKey,
  pricePence: number,
): Promise<(Comparison & { referenceRate: ReferenceRateView; basis: ReferenceBasis }) | null> {
  const { council, minimumPence } = await loaders.ratesFor.load(key);
  if (!council) return null;
  return { ...compare(pricePence, council.pence, minimumPence, legalMinimumPence(key, key.on)), referenceRate: council.rate, basis: council.basis };
}

export const pricingModule = {
  entities: [ReferenceRateEntity],
  resolvers: [ReferenceRateQueries, ReferenceRateMutations, ReferenceRateFields],
  nodes: {
    ReferenceRate: async (id, { loaders }) => (isUuid(id) ? loaders.referenceRateById.load(id) : null),
  } satisfies Record<string, NodeFetcher<Context>>,
};
