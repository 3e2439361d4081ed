import type { RateType, Unit } from "../reference";
import type { SourceKind } from "./pricing.enums";

/** A new version of a rate; never overwrites one. */
export interface SetReferenceRateCommand {
  fundingBodyCode: string;
  categoryCode: string;
  unit: Unit;
  /** For VISIT rates, and only for them. */
  visitMinutes: number | null;
  rateType: RateType;
  ratePence: number;
  validFrom: string;
  /** Inclusive; null: until the next version. */
  validTo: string | null;
  sourceKind: SourceKind;
  source: string;
}

/** A whole rate card (the columns of reference-rates.csv, header included). */
export interface ImportReferenceRatesCommand {
  csv: string;
  /** Check and report only; import nothing. */
  dryRun: boolean;
}
