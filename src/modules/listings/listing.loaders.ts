import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { hydrator, preparedQuery, selectColumns } from "../../shared/db";
import { groupedInKeyOrder, loaderByKey } from "../../shared/loaders";
import { afterCursor, cursorIn, type Keyset } from "../../shared/pagination";
import { tuned } from "../../shared/tuning";
import { ListingEntity } from "./listing.entity";

export interface ProviderListingsArgs {
  first: number;
  after: string | null;
  includeInactive: boolean;
}

/** A provider's listings, newest first (UUIDv7 ids are time-ordered). */
const PROVIDER_NEWEST: Keyset<ListingEntity> = { name: "PROVIDER_NEWEST", keys: [{ sql: "l.id", cast: "uuid", of: (l) => l.id }], direction: "DESC" };

export function providerListingCursor(listing: ListingEntity): string {
  return cursorIn(PROVIDER_NEWEST, listing);
}

export function createListingLoaders(db: DataSource) {
  const listingsOfProviders = new Map<string, DataLoader<string, ListingEntity[]>>();
  const countsOfProviders = new Map<boolean, DataLoader<string, number>>();
  return {
    listingById: loaderByKey(db.getRepository(ListingEntity), "id"),

    /** Listings that came from a search with a funding body: their comparisons default to it. */
    comparedIn: new WeakMap<ListingEntity, { fundingBodyCode: string; on: string }>(),

    /**
     * A page of each provider's listings, newest first: one statement for all the providers of
     * a page (a window per provider), one loader per distinct set of arguments.
     */
    listingsOfProvider(args: ProviderListingsArgs): DataLoader<string, ListingEntity[]> {
      const key = JSON.stringify(args);
      let loader = listingsOfProviders.get(key);
      if (!loader) {
        loader = new DataLoader((providerIds) => pagesOfProviders(db, providerIds, args));
        listingsOfProviders.set(key, loader);
      }
      return loader;
    },

    listingCountOfProvider(includeInactive: boolean): DataLoader<string, number> {
      let loader = countsOfProviders.get(includeInactive);
      if (!loader) {
        loader = new DataLoader((providerIds) => countsByProvider(db, providerIds, includeInactive));
        countsOfProviders.set(includeInactive, loader);
      }
      return loader;
    },
  };
}

async function pagesOfProviders(db: DataSource, providerIds: readonly string[], { first, after, includeInactive }: ProviderListingsArgs) {
  const params: unknown[] = [providerIds, first + 1];
  const conditions = ["l.provider_id = ANY($1::uuid[])"];
  if (!includeInactive) conditions.push("l.active");
  if (after) conditions.push(afterCursor(PROVIDER_NEWEST, after, (value) => `$${params.push(value)}`));
  const metadata = db.getMetadata(ListingEntity);
  const sql = `SELECT ${selectColumns(metadata, "l")} FROM (
       SELECT l.*, row_number() OVER (PARTITION BY l.provider_id ORDER BY l.id DESC) AS n
       FROM listings l WHERE ${conditions.join(" AND ")}
     ) l WHERE l.n <= $2 ORDER BY l.id DESC`;
  const rows: Record<string, unknown>[] = tuned("rawLoaders") ? await preparedQuery(db, sql, params) : await db.query(sql, params);
  const listings = rows.map(hydrator<ListingEntity>(metadata, "l"));
  return groupedInKeyOrder(providerIds, listings, (l) => l.providerId);
}

async function countsByProvider(db: DataSource, providerIds: readonly string[], includeInactive: boolean): Promise<number[]> {
  const rows: { provider_id: string; count: number }[] = await db.query(
    `SELECT provider_id, count(*)::int AS count FROM listings
     WHERE provider_id = ANY($1::uuid[]) ${includeInactive ? "" : "AND active"} GROUP BY provider_id`,
    [providerIds],
  );
  const counts = new Map(rows.map((r) => [r.provider_id, r.count]));
  return providerIds.map((id) => counts.get(id) ?? 0);
}

export type ListingLoaders = ReturnType<typeof createListingLoaders>;
