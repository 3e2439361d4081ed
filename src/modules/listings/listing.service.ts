import type { DataSource, EntityManager, Repository } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { hydrator, insertRows, preparedQuery, selectColumns, transactionResult } from "../../shared/db";
import { failAll, notFound, ok, type Result } from "../../shared/errors";
import { newId, uuidOf } from "../../shared/ids";
import { Connection, type PageArgs } from "../../shared/pagination";
import { ReferenceRateEntity, type RatesFor } from "../pricing";
import { ProviderEntity, type ProviderService } from "../providers";
import { Weekday, type ReferenceService, type ServiceCategoryEntity } from "../reference";
import { ListingEntity } from "./listing.entity";
import { ListingOrder } from "./listing.enums";
import type { CreateListingInput, ListingFilter, SetListingActiveInput, UpdateListingInput } from "./listing.inputs";
import { countStatement, cursorOf, searchStatement } from "./listing.queries";
import { checkListingTerms, checkRegulation } from "./listing.rules";

const ALL_DAYS = Object.values(Weekday);

export interface SearchResult {
  listings: Connection<ListingEntity>;
  /** The providers of the page, fetched by the same statement: prime the loaders with them. */
  providers: ProviderEntity[];
  /** With a funding body: each listing's rates, from the same statement. */
  rates: Map<ListingEntity, RatesFor> | null;
}

export class ListingService {
  private readonly listings: Repository<ListingEntity>;
  /** Every column of a listing and of its provider (and of its rate): the search primes the loaders. */
  private readonly searchColumns: { always: string; rates: string };
  private readonly toListing: (row: Record<string, unknown>) => ListingEntity;
  private readonly toProvider: (row: Record<string, unknown>) => ProviderEntity;
  private readonly toRate: (row: Record<string, unknown>) => ReferenceRateEntity;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly providers: ProviderService,
  ) {
    this.listings = db.getRepository(ListingEntity);
    const listingMetadata = db.getMetadata(ListingEntity);
    const providerMetadata = db.getMetadata(ProviderEntity);
    const rateMetadata = db.getMetadata(ReferenceRateEntity);
    this.searchColumns = { always: `${selectColumns(listingMetadata, "l")}, ${selectColumns(providerMetadata, "p")}`, rates: selectColumns(rateMetadata, "r") };
    this.toListing = hydrator(listingMetadata, "l");
    this.toProvider = hydrator(providerMetadata, "p");
    this.toRate = hydrator(rateMetadata, "r");
  }

  /** Active listings are public; withdrawn ones are visible to their own provider only. */
  isVisibleTo(viewer: Viewer | null, listing: ListingEntity): boolean {
    return listing.active || (viewer !== null && this.providers.canEdit(viewer, listing.providerId));
  }

  async create(viewer: Viewer, input: CreateListingInput): Promise<Result<ListingEntity>> {
    const providerId = input.providerId ? uuidOf(input.providerId, "Provider") : viewer.providerId;
    if (!providerId || !this.providers.canEdit(viewer, providerId)) return notFound("The provider", ["input", "providerId"]);
    const listing = this.listings.create({
      id: newId(),
      providerId,
      categoryCode: input.categoryCode,
      title: input.title.trim(),
      description: input.description.trim(),
      unit: input.unit,
      visitMinutes: input.visitMinutes ?? null,
      rateType: input.rateType,
      pricePence: input.pricePence,
      setting: input.setting,
      groupCapacity: input.groupCapacity,
      weeklyCapacityUnits: input.weeklyCapacityUnits ?? null,
      availableDays: input.availableDays?.length ? [...new Set(input.availableDays)] : ALL_DAYS,
      availableFrom: input.availableFrom ?? "00:00",
      availableTo: input.availableTo ?? "24:00",
      active: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    return transactionResult(this.db, async (tx) => {
      const checked = await this.check(tx, listing);
      if (!checked.ok) return checked;
      await insertRows(tx, ListingEntity, [listing]);
      return ok(listing);
    });
  }

  async update(viewer: Viewer, input: UpdateListingInput): Promise<Result<ListingEntity>> {
    return this.changeOwn(viewer, input.listingId, (listing) => ({ ...listing, ...changesIn(input) }));
  }

  async setActive(viewer: Viewer, input: SetListingActiveInput): Promise<Result<ListingEntity>> {
    return this.changeOwn(viewer, input.listingId, (listing) => ({ ...listing, active: input.active }));
  }

  /** Active listings of a provider in CQC-regulated categories. */
  countActiveRegulated(tx: EntityManager, providerId: string): Promise<number> {
    return tx
      .createQueryBuilder(ListingEntity, "l")
      .innerJoin("service_categories", "c", "c.code = l.category_code")
      .where("l.provider_id = :providerId AND l.active AND c.regulated", { providerId })
      .getCount();
  }

  /**
   * `compare`: also read, for the filter's funding body, the rate each listing is compared with
   * on day `on` (always when ordering by saving).
   */
  async search(filter: ListingFilter | null | undefined, order: ListingOrder, { first, after }: PageArgs, on: string, compare: boolean): Promise<SearchResult> {
    const comparing = Boolean(filter?.fundingBodyCode) && (compare || order === ListingOrder.SAVING_DESC);
    const { sql, params } = searchStatement(this.searchColumns, filter ?? {}, order, first, after, on, comparing);
    const rows = await preparedQuery(this.db, sql, params);
    const listings = rows.map(this.toListing);
    const rates = comparing ? new Map<ListingEntity, RatesFor>() : null;
    const savings = new Map<ListingEntity, number | null>();
    rows.forEach((row, i) => {
      if (!rates) return;
      rates.set(listings[i], {
        council: row["r.id"] ? { rate: this.toRate(row), pence: Number(row["cr.pence"]) } : null,
        minimumPence: row["mp.pence"] === null ? null : Number(row["mp.pence"]),
      });
      savings.set(listings[i], row.saving_bp === null ? null : Number(row.saving_bp));
    });
    const count = async () => {
      const counted = countStatement(filter ?? {});
      const [{ count }] = await preparedQuery<{ count: number }>(this.db, counted.sql, counted.params);
      return count;
    };
    const cursor = (l: ListingEntity) => cursorOf(order, { pricePence: l.pricePence, id: l.id, savingBasisPoints: savings.get(l) ?? null });
    return { listings: new Connection(listings, first, cursor, count), providers: rows.map(this.toProvider), rates };
  }

  /** Applies `change` to a listing of the viewer's provider, under locks, re-checking every rule. */
  private async changeOwn(viewer: Viewer, listingId: string, change: (listing: ListingEntity) => ListingEntity): Promise<Result<ListingEntity>> {
    const id = uuidOf(listingId, "Listing");
    if (!id) return notFound("The listing", ["input", "listingId"]);
    return transactionResult(this.db, async (tx) => {
      const current = await tx.findOne(ListingEntity, { where: { id }, lock: { mode: "for_no_key_update" } });
      if (!current || !this.providers.canEdit(viewer, current.providerId)) return notFound("The listing", ["input", "listingId"]);
      const next = tx.create(ListingEntity, { ...change(current), updatedAt: new Date() });
      const checked = await this.check(tx, next);
      if (!checked.ok) return checked;
      await tx.save(ListingEntity, next);
      return ok(next);
    });
  }

  /** Every rule on a listing about to be saved; locks its provider against losing its CQC registration meanwhile. */
  private async check(tx: EntityManager, listing: ListingEntity): Promise<Result<ServiceCategoryEntity>> {
    const provider = await this.providers.lockForListing(tx, listing.providerId);
    if (!provider) return notFound("The provider", ["input", "providerId"]);
    const category = await this.reference.findCategory(listing.categoryCode, tx);
    if (!category) return notFound(`Category ${listing.categoryCode}`, ["input", "categoryCode"]);
    const errors = checkListingTerms(listing);
    if (listing.active) errors.push(...checkRegulation(category, provider));
    return errors.length ? failAll(errors) : ok(category);
  }
}

function changesIn(input: UpdateListingInput): Partial<ListingEntity> {
  const changes: Partial<ListingEntity> = {};
  if (input.categoryCode != null) changes.categoryCode = input.categoryCode;
  if (input.title != null) changes.title = input.title.trim();
  if (input.description != null) changes.description = input.description.trim();
  if (input.unit != null) changes.unit = input.unit;
  if (input.visitMinutes !== undefined) changes.visitMinutes = input.visitMinutes;
  if (input.rateType != null) changes.rateType = input.rateType;
  if (input.pricePence != null) changes.pricePence = input.pricePence;
  if (input.setting != null) changes.setting = input.setting;
  if (input.groupCapacity != null) changes.groupCapacity = input.groupCapacity;
  if (input.weeklyCapacityUnits !== undefined) changes.weeklyCapacityUnits = input.weeklyCapacityUnits;
  if (input.availableDays?.length) changes.availableDays = [...new Set(input.availableDays)];
  if (input.availableFrom != null) changes.availableFrom = input.availableFrom;
  if (input.availableTo != null) changes.availableTo = input.availableTo;
  return changes;
}
