/** What a report is asked for: plain queries, the same from GraphQL and from the CSV route. */
import type { ReportDimension } from "./report.enums";

/** Where the savings went, over visits delivered from `from` to `to` (London days, inclusive). */
export interface EfficiencyQuery {
  fundingBodyCode: string;
  from: string;
  to: string;
  /** Repeats are ignored; empty: one row, the totals. */
  groupBy: ReportDimension[];
}

/** How listing and booked prices of a category sit around the funding body's rate on a day. */
export interface PriceDistributionQuery {
  fundingBodyCode: string;
  categoryCode: string;
  /** A London day. */
  on: string;
}

/** Needs that found no supply from `from` to `to` (London days, inclusive). */
export interface MarketGapsQuery {
  fundingBodyCode: string;
  from: string;
  to: string;
}
