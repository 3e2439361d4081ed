import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { hydrator, selectColumns } from "../../shared/db";
import { loaderByKey } from "../../shared/loaders";
import type { Unit } from "../reference";
import { ReferenceRateEntity } from "./reference-rate.entity";
import type { ReferenceBasis } from "./pricing.enums";
import type { ReferenceRateView } from "./pricing.models";
import { councilRateLateral, minimumPriceLateral } from "./reference-rate.queries";

/** What a price is compared with: a funding body, a day, and the terms of a unit. */
export interface ComparisonKey {
  fundingBodyCode: string;
  on: string;
  categoryCode: string;
  unit: Unit;
  visitMinutes: number | null;
  rateType: string;
}

export interface RatesFor {
  council: { rate: ReferenceRateView; pence: number; basis: ReferenceBasis } | null;
  minimumPence: number | null;
}

export function comparisonKey(key: ComparisonKey): string {
  return JSON.stringify([key.fundingBodyCode, key.on, key.categoryCode, key.unit, key.visitMinutes, key.rateType]);
}

export function createPricingLoaders(db: DataSource) {
  return {
    referenceRateById: loaderByKey(db.getRepository(ReferenceRateEntity), "id"),

    /** The council rate and minimum price for many (funding body, day, terms) at once: one statement. */
    ratesFor: new DataLoader<ComparisonKey, RatesFor, string>(
      async (keys) => {
        const metadata = db.getMetadata(ReferenceRateEntity);
        const rows: Record<string, unknown>[] = await db.query(
          `SELECT k.n, council.pence AS council_pence, council.basis AS council_basis, minimum.pence AS minimum_pence, ${selectColumns(metadata, "r")}
           FROM jsonb_to_recordset($1::jsonb) AS k(n int, funding_body_code text, on_day date, category_code text, unit unit, visit_minutes int, rate_type rate_type)
           LEFT JOIN LATERAL ${councilRateLateral("k", "k.funding_body_code", "k.on_day")} council ON true
           LEFT JOIN LATERAL ${minimumPriceLateral("k", "k.on_day")} minimum ON true
           LEFT JOIN reference_rates r ON r.id = council.id`,
          [
            JSON.stringify(
              keys.map((k, n) => ({
                n,
                funding_body_code: k.fundingBodyCode,
                on_day: k.on,
                category_code: k.categoryCode,
                unit: k.unit,
                visit_minutes: k.visitMinutes,
                rate_type: k.rateType,
              })),
            ),
          ],
        );
        const toRate = hydrator<ReferenceRateEntity>(metadata, "r");
        const byN = new Map(rows.map((row) => [row.n as number, row]));
        return keys.map((_k, n) => {
          const row = byN.get(n);
          return {
            council: row && row["r.id"] ? { rate: toRate(row), pence: Number(row.council_pence), basis: row.council_basis as ReferenceBasis } : null,
            minimumPence: row && row.minimum_pence !== null ? Number(row.minimum_pence) : null,
          };
        });
      },
      { cacheKeyFn: comparisonKey },
    ),
  };
}

export type PricingLoaders = ReturnType<typeof createPricingLoaders>;
