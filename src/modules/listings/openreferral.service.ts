import type { DataSource } from "typeorm";
import { onReplica } from "../../shared/db";
import { categoryCodesOf, feedPageStatement, feedServiceStatement, type FeedFilter } from "./openreferral.queries";
import { page, service, serviceAtLocation, serviceSummary, taxonomy, taxonomyTerm, TAXONOMY_ID, type CategoryRow, type FeedRow } from "./openreferral.rules";

/** What a list request asks: ORUK's parameters, already read. */
export interface FeedRequest {
  page: number;
  perPage: number;
  text: string | null;
  taxonomyTermIds: string[] | null;
  taxonomyId: string | null;
  district: string | null;
  organizationId: string | null;
}

/** The Open Referral UK feed: active listings of verified providers (listedSql), one statement per page. */
/**
 * How long one process keeps the categories it read. Bounded, because another process (or a
 * migration of the next release, run while this one still serves) may change the table: a feed
 * is at most this far behind, whichever process answers.
 */
export const CATEGORIES_TTL_MS = 60_000;

export class OpenReferralService {
  private categories: { rows: Promise<CategoryRow[]>; readAt: number } | null = null;

  constructor(
    private readonly db: DataSource,
    /** Monotonic milliseconds (tests move it). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The taxonomy's terms: the service categories (a reference table, read again after CATEGORIES_TTL_MS). */
  categoryRows(): Promise<CategoryRow[]> {
    const now = this.now();
    if (this.categories && now - this.categories.readAt < CATEGORIES_TTL_MS) return this.categories.rows;
    const rows = this.db
      .query<CategoryRow[]>("SELECT code, name, purpose, regulated FROM service_categories ORDER BY sort_order, code")
      .catch((error: unknown) => {
        if (this.categories?.rows === rows) this.categories = null;
        throw error;
      });
    this.categories = { rows, readAt: now };
    return rows;
  }

  async services(request: FeedRequest) {
    const { rows, total } = await this.rows(request);
    return page(rows.map(serviceSummary), total, request.page, request.perPage);
  }

  async servicesAtLocations(request: FeedRequest) {
    const { rows, total } = await this.rows(request);
    return page(rows.map(serviceAtLocation), total, request.page, request.perPage);
  }

  async service(id: string) {
    const { sql, params } = feedServiceStatement(id);
    const [row] = await onReplica(this.db, (replica) => replica.query<FeedRow>(sql, params));
    return row ? service(row) : null;
  }

  taxonomies(pageNumber: number, perPage: number) {
    const all = [taxonomy()];
    return page(all.slice((pageNumber - 1) * perPage, pageNumber * perPage), all.length, pageNumber, perPage);
  }

  async taxonomyTerms(pageNumber: number, perPage: number) {
    const all = (await this.categoryRows()).map(taxonomyTerm);
    return page(all.slice((pageNumber - 1) * perPage, pageNumber * perPage), all.length, pageNumber, perPage);
  }

  private async rows(request: FeedRequest): Promise<{ rows: FeedRow[]; total: number }> {
    // Another taxonomy's terms name none of our services.
    if (request.taxonomyId && request.taxonomyId.toLowerCase() !== TAXONOMY_ID) return { rows: [], total: 0 };
    const filter: FeedFilter = { text: request.text, district: request.district, organizationId: request.organizationId };
    if (request.taxonomyTermIds) {
      filter.categoryCodes = categoryCodesOf(
        request.taxonomyTermIds,
        (await this.categoryRows()).map((c) => c.code),
      );
      if (!filter.categoryCodes.length) return { rows: [], total: 0 };
    }
    const { sql, params } = feedPageStatement(filter, request.page, request.perPage);
    const result = await onReplica(this.db, (replica) => replica.query<FeedRow & { total: number }>(sql, params)); // the feed tolerates lag
    return { rows: result.filter((r) => r.id !== null), total: result[0]?.total ?? 0 };
  }
}
