import type { DataSource } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { onReplica } from "../../shared/db";
import { badUserInput, forbidden } from "../../shared/errors";
import { addDays, fromLondonWallClock, londonDate, type Clock } from "../../shared/time";
import type { ReviewService } from "../budgets";
import { listedSql } from "../listings";
import {
  belowMinimumSql,
  bookingBelowMinimumSql,
  councilRateLateral,
  minimumPriceLateral,
  savingSql,
  SourceKind,
  type ReferenceRateService,
  type ReferenceRateView,
} from "../pricing";
import { ReportDimension } from "./report.enums";
import type { EfficiencyQuery, MarketGapsQuery, PriceDistributionQuery } from "./report.commands";
import { runMarketGaps, type MarketGapRecord } from "./market-gaps.queries";
import { REFRESH_STEP } from "./report-facts.queries";
import { wholeMonths } from "./report.rules";
import {
  brokerageSplitsBy,
  measuresOf,
  runBrokerage,
  runEfficiency,
  type Dimension,
  type EfficiencyGroupRecord,
  type EfficiencyMeasuresRecord,
  type ReportScope,
  type Row,
} from "./report.queries";

export interface EfficiencyRowRecord {
  group: EfficiencyGroupRecord;
  measures: EfficiencyMeasuresRecord;
}

/** The efficiency report: rows per group, and totals. */
export interface EfficiencyReportRecord {
  fundingBodyCode: string;
  from: string;
  to: string;
  groupBy: ReportDimension[];
  rows: EfficiencyRowRecord[];
  totals: EfficiencyMeasuresRecord;
}

/** Prices with a reference rate in bands of 5% around it (fromPercent inclusive, toPercent exclusive). */
export interface PriceBandRecord {
  fromPercent: number;
  toPercent: number;
  count: number;
  share: number;
}

/** How prices sit around the reference rate. */
export interface DistributionRecord {
  compared: number;
  withoutReference: number;
  atRateShare: number;
  belowMinimumShare: number;
  bands: PriceBandRecord[];
}

export interface PriceDistributionRecord {
  fundingBodyCode: string;
  categoryCode: string;
  on: string;
  referenceRates: ReferenceRateView[];
  listings: DistributionRecord;
  bookings: DistributionRecord;
}

export interface MarketGapsRecord {
  fundingBodyCode: string;
  from: string;
  to: string;
  rows: MarketGapRecord[];
}

/** The advisory lock the facts' refresh holds: one process refreshes at a time. */
const FACTS_LOCK = "reports.refreshFacts";

/** Queued changes taken per refresh transaction: short transactions, whatever the backlog. */
const FACTS_STEP = 5_000;

const GROUP_FIELDS: Record<ReportDimension, keyof EfficiencyGroupRecord> = {
  [ReportDimension.CATEGORY]: "categoryCode",
  [ReportDimension.MONTH]: "month",
  [ReportDimension.PROVIDER_KIND]: "providerKind",
  [ReportDimension.BUDGET_KIND]: "budgetKind",
  [ReportDimension.AGE_BAND]: "ageBand",
  [ReportDimension.PURPOSE]: "purpose",
};

export class ReportService {
  constructor(
    private readonly db: DataSource,
    private readonly rates: ReferenceRateService,
    private readonly clock: Clock,
    private readonly reviews: ReviewService,
  ) {}

  /** Reports are for the funding body's commissioners (and admins). */
  assertMayRead(viewer: Viewer | null, fundingBodyCode: string): void {
    if (!viewer || !(viewer.roles.has(Role.ADMIN) || (viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode === fundingBodyCode))) {
      throw forbidden("Reports are for the funding body's own commissioners.");
    }
  }

  async efficiency(viewer: Viewer, { fundingBodyCode, from, to, groupBy }: EfficiencyQuery): Promise<EfficiencyReportRecord> {
    this.assertMayRead(viewer, fundingBodyCode);
    if (to < from) throw badUserInput("`to` is before `from`.", "to");
    const dimensions = [...new Set(groupBy)];
    const scope: ReportScope = {
      fundingBodyCode,
      from: startOfDay(from),
      to: startOfDay(addDays(to, 1)),
      months: wholeMonths(from, to),
      today: londonDate(this.clock.now()),
    };
    // Reports tolerate replication lag: a replica serves them when there is one.
    const [[rows, brokerage], reviewsOverdue] = await Promise.all([
      onReplica(this.db, (replica) => Promise.all([runEfficiency(replica, scope, dimensions), runBrokerage(replica, scope, dimensions)])),
      this.reviews.countOverdue(fundingBodyCode, from, to),
    ]);
    const totals = {
      ...measuresOf(
        rows.find((r) => r.is_total)!,
        Number(brokerage.find((r) => r.is_total)?.brokerage_pence ?? 0),
      ),
      reviewsOverdue,
    };
    if (!dimensions.length) return { fundingBodyCode, from, to, groupBy: dimensions, rows: [{ group: groupOf({}, []), measures: totals }], totals };
    return { fundingBodyCode, from, to, groupBy: dimensions, rows: groupRows(rows, brokerage, dimensions), totals };
  }

  /**
   * The job: brings the report's facts up to date (report-facts.queries.ts), a step of queued
   * changes per transaction until the queue is empty. Safe on several processes at once: the first
   * to take the advisory lock does the work, the others return at once. Returns the keys refreshed.
   */
  async refreshFacts(step = FACTS_STEP): Promise<number> {
    let refreshed = 0;
    for (;;) {
      const done = await this.db.transaction(async (tx) => {
        const [{ locked }]: { locked: boolean }[] = await tx.query("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked", [FACTS_LOCK]);
        if (!locked) return null;
        const [row]: { taken: number; keys: number }[] = await tx.query(REFRESH_STEP, [step]);
        return row;
      });
      if (!done) return refreshed;
      refreshed += done.keys;
      if (done.taken < step) return refreshed;
    }
  }

  /** Where the market failed: needs left without supply in the period, by category and postcode district. */
  async marketGaps(viewer: Viewer, { fundingBodyCode, from, to }: MarketGapsQuery): Promise<MarketGapsRecord> {
    this.assertMayRead(viewer, fundingBodyCode);
    if (to < from) throw badUserInput("`to` is before `from`.", "to");
    const scope = { fundingBodyCode, from, to, fromInstant: startOfDay(from), toInstant: startOfDay(addDays(to, 1)), today: londonDate(this.clock.now()) };
    return { fundingBodyCode, from, to, rows: await runMarketGaps(this.db, scope) };
  }

  /** How listing and booked prices of a category sit around the funding body's rate on a day. */
  async priceDistribution(viewer: Viewer, { fundingBodyCode, categoryCode, on }: PriceDistributionQuery): Promise<PriceDistributionRecord> {
    this.assertMayRead(viewer, fundingBodyCode);
    type Banded = { what: string; band: number | null; n: string; at_rate: string; below_minimum: string };
    const rows = await onReplica(this.db, (replica) =>
      replica.query<Banded>(
        `WITH priced AS (
         SELECT 'listings' AS what, l.price_pence AS price, cr.pence AS reference, ${belowMinimumSql("l.price_pence", "mp.pence")} AS below_minimum
         FROM listings l JOIN providers p ON p.id = l.provider_id
         LEFT JOIN LATERAL ${councilRateLateral("l", "$1", "$3::date")} cr ON true
         LEFT JOIN LATERAL ${minimumPriceLateral("l", "$3::date")} mp ON true
         WHERE l.active AND l.category_code = $2 AND (p.service_areas @> ARRAY[$1]::varchar[] OR l.setting = 'REMOTE') AND ${listedSql("l", { provider: "p" })}
         UNION ALL
         -- a booking is judged by its visits, each on its own day, as the efficiency report judges it
         SELECT 'bookings', b.unit_price_pence, cr.pence, ${bookingBelowMinimumSql("b")}
         FROM bookings b JOIN listings l ON l.id = b.listing_id
         LEFT JOIN LATERAL ${councilRateLateral("l", "$1", "(b.starts_at AT TIME ZONE 'Europe/London')::date")} cr ON true
         WHERE b.funding_body_code = $1 AND l.category_code = $2 AND b.status NOT IN ('DECLINED', 'CANCELLED')
       )
       -- bands of 5% of the reference rate, by how far the price is above it: minus the saving
       SELECT what, floor(-${savingSql("reference", "price")} * 20.0 / reference)::int * 5 AS band, count(*) AS n,
              count(*) FILTER (WHERE price = reference) AS at_rate,
              count(*) FILTER (WHERE below_minimum) AS below_minimum
       FROM priced GROUP BY what, band ORDER BY what, band`,
        [fundingBodyCode, categoryCode, on],
      ),
    );
    const distribution = (what: string): DistributionRecord => {
      const mine = rows.filter((r) => r.what === what);
      const banded = mine.filter((r) => r.band !== null);
      const compared = banded.reduce((sum, r) => sum + Number(r.n), 0);
      const share = (n: number) => (compared ? Math.round((n / compared) * 10_000) / 10_000 : 0);
      return {
        compared,
        withoutReference: mine.filter((r) => r.band === null).reduce((sum, r) => sum + Number(r.n), 0),
        atRateShare: share(banded.reduce((sum, r) => sum + Number(r.at_rate), 0)),
        belowMinimumShare: share(banded.reduce((sum, r) => sum + Number(r.below_minimum), 0)),
        bands: banded.map((r) => ({ fromPercent: Number(r.band), toPercent: Number(r.band) + 5, count: Number(r.n), share: share(Number(r.n)) })),
      };
    };
    const referenceRates = (await this.rates.list(fundingBodyCode, categoryCode, on)).filter((r) => r.sourceKind !== SourceKind.MINIMUM_PRICE);
    return { fundingBodyCode, categoryCode, on, referenceRates, listings: distribution("listings"), bookings: distribution("bookings") };
  }
}

/** Midnight at the start of a London day. */
function startOfDay(day: string): Date {
  return fromLondonWallClock({ year: +day.slice(0, 4), month: +day.slice(5, 7), day: +day.slice(8, 10), hour: 0, minute: 0 });
}

/**
 * The visits' groups with their brokerage where it splits by them; a group with brokerage but no
 * delivered visits (a package agreed in a month before its first visit) is a row of its own.
 */
function groupRows(rows: Row[], brokerage: Row[], dimensions: Dimension[]): EfficiencyRowRecord[] {
  const keyOf = (row: Row) => JSON.stringify(dimensions.map((_d, i) => row[`g${i}`] ?? null));
  const splits = brokerageSplitsBy(dimensions);
  const fees = new Map(brokerage.filter((r) => !r.is_total).map((r) => [keyOf(r), r]));
  const merged = rows.filter((r) => !r.is_total).map((r) => ({ row: r, fee: fees.get(keyOf(r)) }));
  const seen = new Set(merged.map(({ row }) => keyOf(row)));
  const feeOnly = [...fees.values()].filter((f) => !seen.has(keyOf(f)));
  if (feeOnly.length) {
    merged.push(...feeOnly.map((f) => ({ row: f, fee: f })));
    merged.sort((a, b) => keyOf(a.row).localeCompare(keyOf(b.row)));
  }
  return merged.map(({ row, fee }) => ({
    group: groupOf(row, dimensions),
    measures: measuresOf(row === fee ? {} : row, splits ? Number(fee?.brokerage_pence ?? 0) : null),
  }));
}

function groupOf(row: Row, dimensions: Dimension[]): EfficiencyGroupRecord {
  const group: EfficiencyGroupRecord = { categoryCode: null, month: null, providerKind: null, budgetKind: null, ageBand: null, purpose: null };
  dimensions.forEach((d, i) => {
    if (d !== "BUDGET") group[GROUP_FIELDS[d]] = (row[`g${i}`] as string | null) ?? null;
  });
  return group;
}
