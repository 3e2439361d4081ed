import { type DataSource, type EntityManager, type Repository } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { hydrator, insertRows, onReplica, selectColumns, transactionResult } from "../../shared/db";
import { failAll, notFound, ok, type Result } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { Connection, type PageRequest } from "../../shared/pagination";
import type { Clock } from "../../shared/time";
import type { EventService } from "../events";
import type { RatesFor, ReferenceBasis, ReferenceRateView } from "../pricing";
import { showsListingsOf, type CqcRegisterService, type ProviderService, type ProviderView } from "../providers";
import { Weekday, type RateType, type ReferenceService, type ServiceCategoryRecord, type Unit } from "../reference";
import type { CandidateArea, CandidateNeed, CreateListingCommand, ListingSearch, SetListingActiveCommand, UpdateListingCommand } from "./listing.commands";
import { ListingEntity } from "./listing.entity";
import { ListingOrder, type ListingSetting } from "./listing.enums";
import type { ListingCandidate } from "./listing.models";
import {
  candidateOf,
  candidatesStatement,
  countStatement,
  cursorOf,
  deactivateUnregisteredListings,
  listedSql,
  searchStatement,
  type CandidateRow,
} from "./listing.queries";
import { checkListingTerms, checkRegulation } from "./listing.rules";

const ALL_DAYS = Object.values(Weekday);

/** A listing's terms, as other modules read them (to book, quote or package it). */
export interface ListingTerms {
  readonly id: string;
  readonly providerId: string;
  readonly categoryCode: string;
  readonly title: string;
  readonly unit: Unit;
  readonly visitMinutes: number | null;
  readonly rateType: RateType;
  readonly pricePence: number;
  readonly setting: ListingSetting;
  readonly groupCapacity: number;
  readonly weeklyCapacityUnits: number | null;
  readonly availableDays: Weekday[];
  readonly availableFrom: string;
  readonly availableTo: string;
  /** Withdrawn listings (false) can still be read by id: bookings of them go on. */
  readonly active: boolean;
}

export interface SearchResult {
  listings: Connection<ListingEntity>;
  /** The providers of the page, fetched by the same statement: prime the loaders with them. */
  providers: ProviderView[];
  /** With a funding body: each listing's rates, from the same statement. */
  rates: Map<ListingEntity, RatesFor> | null;
}

export class ListingService {
  private readonly listings: Repository<ListingEntity>;
  /** Every column of a listing and of its provider (and of its rate): the search primes the loaders. */
  private readonly searchColumns: { always: string; rates: string };
  private readonly toListing: (row: Record<string, unknown>) => ListingEntity;
  private readonly toProvider: (row: Record<string, unknown>) => ProviderView;
  private readonly toRate: (row: Record<string, unknown>) => ReferenceRateView;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly providers: ProviderService,
    private readonly cqcRegister: CqcRegisterService,
    private readonly events: EventService,
    private readonly clock: Clock,
  ) {
    this.listings = db.getRepository(ListingEntity);
    const listingMetadata = db.getMetadata(ListingEntity);
    // The providers' and rates' rows by table name: their entities are those modules' own.
    const providerMetadata = db.getMetadata("providers");
    const rateMetadata = db.getMetadata("reference_rates");
    this.searchColumns = { always: `${selectColumns(listingMetadata, "l")}, ${selectColumns(providerMetadata, "p")}`, rates: selectColumns(rateMetadata, "r") };
    this.toListing = hydrator(listingMetadata, "l");
    this.toProvider = hydrator(providerMetadata, "p");
    this.toRate = hydrator(rateMetadata, "r");
  }

  /**
   * Active listings of verified providers are public; withdrawn ones, and those of a provider not
   * yet verified, are visible to their own provider (and admins) only. `providerOf`: the listing's
   * provider (a loader).
   */
  async isVisibleTo(viewer: Viewer | null, listing: ListingEntity, providerOf: (id: string) => Promise<ProviderView | null>): Promise<boolean> {
    if (viewer !== null && this.providers.canEdit(viewer, listing.providerId)) return true;
    const provider = await providerOf(listing.providerId);
    return listing.active && provider !== null && showsListingsOf(viewer, provider);
  }

  /**
   * A listing's terms by id, read through `tx` (for other modules: booking, quoting or packaging
   * it); null for a listing of a provider not verified (listedSql), as if it did not exist.
   */
  forBooking(tx: EntityManager, id: string): Promise<ListingTerms | null> {
    return tx.createQueryBuilder(ListingEntity, "l").where("l.id = :id", { id }).andWhere(listedSql("l")).getOne();
  }

  /**
   * Locks the listings to be booked that state a weekly capacity until the caller's transaction
   * ends (FOR NO KEY UPDATE, in id order): bookings of one such listing take turns, so what each
   * reads of its booked units a week stays true until it commits. Listings without a capacity are
   * not locked: their bookings need not wait on one another. Taken before any budget (the lock
   * order above BudgetService.lock). NO KEY UPDATE: bookings referencing the listing hold KEY SHARE.
   */
  async lockForBooking(tx: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const sql = "SELECT id FROM listings WHERE id = ANY($1::uuid[]) AND weekly_capacity_units IS NOT NULL ORDER BY id FOR NO KEY UPDATE";
    await tx.query(sql, [[...new Set(ids)]]);
  }

  /** The terms of several listings by id (those that exist, of verified providers: listedSql). */
  async termsOf(tx: EntityManager, ids: string[]): Promise<Map<string, ListingTerms>> {
    const listings = ids.length
      ? await tx
          .createQueryBuilder(ListingEntity, "l")
          .where("l.id = ANY(:ids)", { ids: [...new Set(ids)] })
          .andWhere(listedSql("l"))
          .getMany()
      : [];
    return new Map(listings.map((l) => [l.id, l]));
  }

  /** Active listings that could meet each need in the client's area, each need's cheapest first (the package planner's candidates). */
  async candidatesFor(needs: CandidateNeed[], area: CandidateArea): Promise<ListingCandidate[]> {
    const { sql, params } = candidatesStatement(needs, area);
    return (await this.db.query<CandidateRow[]>(sql, params)).map(candidateOf);
  }

  async create(viewer: Viewer, command: CreateListingCommand): Promise<Result<ListingEntity>> {
    const providerId = command.providerId === undefined ? viewer.providerId : command.providerId;
    if (!providerId || !this.providers.canEdit(viewer, providerId)) return notFound("The provider", ["providerId"]);
    const now = this.clock.now();
    const listing = this.listings.create({
      id: newId(),
      providerId,
      categoryCode: command.categoryCode,
      title: command.title.trim(),
      description: command.description.trim(),
      unit: command.unit,
      visitMinutes: command.visitMinutes,
      rateType: command.rateType,
      pricePence: command.pricePence,
      setting: command.setting,
      groupCapacity: command.groupCapacity,
      weeklyCapacityUnits: command.weeklyCapacityUnits ?? null,
      availableDays: command.availableDays?.length ? [...new Set(command.availableDays)] : ALL_DAYS,
      availableFrom: command.availableFrom ?? "00:00",
      availableTo: command.availableTo ?? "24:00",
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    return transactionResult(this.db, async (tx) => {
      const checked = await this.check(tx, listing);
      if (!checked.ok) return checked;
      await insertRows(tx, ListingEntity, [listing]);
      return ok(listing);
    });
  }

  async update(viewer: Viewer, command: UpdateListingCommand): Promise<Result<ListingEntity>> {
    return this.changeOwn(viewer, command.listingId, (listing) => ({ ...listing, ...changesIn(command) }));
  }

  async setActive(viewer: Viewer, command: SetListingActiveCommand): Promise<Result<ListingEntity>> {
    return this.changeOwn(viewer, command.listingId, (listing) => ({ ...listing, active: command.active }));
  }

  /**
   * Withdraws the active listings in CQC-regulated categories of providers whose CQC location the
   * register now lists as dormant or deregistered (the register import asks, in its transaction).
   */
  deactivateUnregistered(tx: EntityManager): Promise<{ listingId: string; providerId: string }[]> {
    return deactivateUnregisteredListings(tx, this.clock.now());
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
  async search(
    filter: ListingSearch | null | undefined,
    order: ListingOrder,
    { first, after }: PageRequest,
    on: string,
    compare: boolean,
    ownProviderId: string | null = null,
  ): Promise<SearchResult> {
    const comparing = Boolean(filter?.fundingBodyCode) && (compare || order === ListingOrder.SAVING_DESC);
    const { sql, params } = searchStatement(this.searchColumns, filter ?? {}, order, first, after, on, comparing, ownProviderId);
    // Search tolerates replication lag: a replica serves it when there is one.
    const rows = await onReplica(this.db, (replica) => replica.query(sql, params));
    const listings = rows.map(this.toListing);
    const rates = comparing ? new Map<ListingEntity, RatesFor>() : null;
    const savings = new Map<ListingEntity, number | null>();
    rows.forEach((row, i) => {
      if (!rates) return;
      rates.set(listings[i], {
        council: row["r.id"] ? { rate: this.toRate(row), pence: Number(row["cr.pence"]), basis: row["cr.basis"] as ReferenceBasis } : null,
        minimumPence: row["mp.pence"] === null ? null : Number(row["mp.pence"]),
      });
      savings.set(listings[i], row.saving_bp === null ? null : Number(row.saving_bp));
    });
    const count = async () => {
      const counted = countStatement(filter ?? {}, ownProviderId);
      const [{ count }] = await onReplica(this.db, (replica) => replica.query<{ count: number }>(counted.sql, counted.params));
      return count;
    };
    const cursor = (l: ListingEntity) => cursorOf(order, { pricePence: l.pricePence, id: l.id, savingBasisPoints: savings.get(l) ?? null });
    return { listings: new Connection(listings, first, cursor, count), providers: rows.map(this.toProvider), rates };
  }

  /** Applies `change` to a listing of the viewer's provider, under locks, re-checking every rule. */
  private async changeOwn(viewer: Viewer, id: string | null, change: (listing: ListingEntity) => ListingEntity): Promise<Result<ListingEntity>> {
    if (!id) return notFound("The listing", ["listingId"]);
    return transactionResult(this.db, async (tx) => {
      const current = await tx.findOne(ListingEntity, { where: { id }, lock: { mode: "for_no_key_update" } });
      if (!current || !this.providers.canEdit(viewer, current.providerId)) return notFound("The listing", ["listingId"]);
      const next = tx.create(ListingEntity, { ...change(current), updatedAt: this.clock.now() });
      const checked = await this.check(tx, next);
      if (!checked.ok) return checked;
      await tx.save(ListingEntity, next);
      if (next.active && next.pricePence > current.pricePence) await this.watchPrice(tx, current, next);
      return ok(next);
    });
  }

  /** A price rise, checked against the alert threshold and reference rate of each funding body the provider serves (PRICE_RISE). */
  private async watchPrice(tx: EntityManager, before: ListingEntity, after: ListingEntity): Promise<void> {
    const provider = await this.providers.byId(tx, after.providerId);
    await this.events.watchPrice(tx, {
      subject: { type: "Listing", id: after.id },
      listingId: after.id,
      terms: after,
      fundingBodyCodes: provider?.serviceAreas ?? [],
      previousPence: before.pricePence,
      pricePence: after.pricePence,
    });
  }

  /** Every rule on a listing about to be saved; locks its provider against losing its CQC registration meanwhile. */
  private async check(tx: EntityManager, listing: ListingEntity): Promise<Result<ServiceCategoryRecord>> {
    const provider = await this.providers.lockForListing(tx, listing.providerId);
    if (!provider) return notFound("The provider", ["providerId"]);
    const category = await this.reference.findCategory(listing.categoryCode, tx);
    if (!category) return notFound(`Category ${listing.categoryCode}`, ["categoryCode"]);
    const errors = checkListingTerms(listing);
    if (listing.active) errors.push(...checkRegulation(category, provider, await this.cqcRegister.isActive(tx, provider.cqcLocationId)));
    return errors.length ? failAll(errors) : ok(category);
  }
}

function changesIn(input: UpdateListingCommand): Partial<ListingEntity> {
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
