/**
 * Factories insert straight through repositories (setup does not go through the API) and return
 * entities; assertions read values from what they return. Defaults are plausible, overrides explicit.
 */
import type { DataSource } from "typeorm";
import { UserEntity } from "../../src/modules/auth/user.entity";
import { BookingStatus, PayeeRelationship, VisitStatus } from "../../src/modules/bookings";
import { BookingEntity } from "../../src/modules/bookings/booking.entity";
import { VisitEntity } from "../../src/modules/bookings/visit.entity";
import { BudgetManagement, ClientSetting, LedgerKind } from "../../src/modules/budgets";
import { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import { ClientEntity } from "../../src/modules/budgets/client.entity";
import { ListingSetting } from "../../src/modules/listings";
import { ListingEntity } from "../../src/modules/listings/listing.entity";
import { CqcRating, ProviderKind } from "../../src/modules/providers";
import { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { BudgetKind, RateType, Unit, Weekday } from "../../src/modules/reference";
import { Role } from "../../src/shared/auth";
import { insertRows } from "../../src/shared/db";
import { newId } from "../../src/shared/ids";

export const MERTON = "E09000024";
export const LEICESTERSHIRE = "E10000018";

let sequence = 0;
const next = () => ++sequence;

export async function aUser(db: DataSource, overrides: Partial<UserEntity> = {}): Promise<UserEntity> {
  const n = next();
  const email = overrides.email ?? `user${n}@example.org`;
  const user = db.getRepository(UserEntity).create({
    id: newId(),
    email,
    displayName: `User ${n}`,
    subject: email,
    roles: [Role.CLIENT],
    providerId: null,
    fundingBodyCode: null,
    clientId: null,
    createdAt: new Date(),
    ...overrides,
  });
  await db.getRepository(UserEntity).insert(user);
  return user;
}

export const anAdmin = (db: DataSource) => aUser(db, { roles: [Role.ADMIN] });
export const aCommissioner = (db: DataSource, fundingBodyCode = MERTON) => aUser(db, { roles: [Role.COMMISSIONER], fundingBodyCode });

export async function aProvider(db: DataSource, overrides: Partial<ProviderEntity> = {}): Promise<ProviderEntity> {
  const n = next();
  const provider = db.getRepository(ProviderEntity).create({
    id: newId(),
    name: `Provider ${n}`,
    kind: ProviderKind.HOME_CARE_AGENCY,
    description: "",
    cqcLocationId: `1-${String(100000000 + n)}`,
    cqcRating: CqcRating.GOOD,
    serviceAreas: [MERTON],
    postcodeDistricts: ["SW19"],
    verified: true,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });
  await db.getRepository(ProviderEntity).insert(provider);
  // Its CQC location, active in the register (as the demo's and a real deployment's would be).
  if (provider.cqcLocationId) {
    await db.query(
      `INSERT INTO cqc_locations (location_id, name, postcode, status, rating, regulated_activities, imported_at)
       VALUES ($1, $2, NULL, 'REGISTERED', $3, '{Personal care}', now()) ON CONFLICT (location_id) DO NOTHING`,
      [provider.cqcLocationId, provider.name, provider.cqcRating],
    );
  }
  return provider;
}

/** A user who works for a provider (a new one unless given). */
export async function aProviderMember(db: DataSource, provider?: ProviderEntity): Promise<{ user: UserEntity; provider: ProviderEntity }> {
  const owner = provider ?? (await aProvider(db));
  const user = await aUser(db, { roles: [Role.PROVIDER], providerId: owner.id });
  return { user, provider: owner };
}

export async function aListing(db: DataSource, provider: ProviderEntity, overrides: Partial<ListingEntity> = {}): Promise<ListingEntity> {
  const n = next();
  const listing = db.getRepository(ListingEntity).create({
    id: newId(),
    providerId: provider.id,
    categoryCode: "PERSONAL_CARE",
    title: `Home care ${n}`,
    description: "Help with washing, dressing and meals.",
    unit: Unit.HOUR,
    visitMinutes: null,
    rateType: RateType.STANDARD,
    pricePence: 2400,
    setting: ListingSetting.HOME,
    groupCapacity: 1,
    weeklyCapacityUnits: null,
    availableDays: [Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR, Weekday.SA, Weekday.SU],
    availableFrom: "00:00",
    availableTo: "24:00",
    active: true,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });
  await insertRows(db.manager, ListingEntity, [listing]);
  return listing;
}

export async function aClient(db: DataSource, overrides: Partial<ClientEntity> = {}): Promise<ClientEntity> {
  const n = next();
  const client = db.getRepository(ClientEntity).create({
    id: newId(),
    displayName: `Client ${n}`,
    postcodeDistrict: "SW19",
    fundingBodyCode: MERTON,
    setting: ClientSetting.OWN_HOME,
    careHomeId: null,
    dateOfBirth: "1946-05-04",
    newToSupport: false,
    brokerUserId: null,
    createdAt: new Date(),
    ...overrides,
  });
  await db.getRepository(ClientEntity).insert(client);
  return client;
}

/** A CLIENT user linked to a client (a new one unless given). */
export async function aClientUser(db: DataSource, client?: ClientEntity): Promise<{ user: UserEntity; client: ClientEntity }> {
  const holder = client ?? (await aClient(db));
  const user = await aUser(db, { roles: [Role.CLIENT], clientId: holder.id });
  return { user, client: holder };
}

/**
 * A budget with its ALLOCATION entry, as createBudget makes it. Period and plan default to
 * the 2026-27 financial year and the categories most tests book.
 */
export async function aBudget(db: DataSource, client: ClientEntity, overrides: Partial<BudgetEntity> = {}): Promise<BudgetEntity> {
  const budget = db.getRepository(BudgetEntity).create({
    id: newId(),
    clientId: client.id,
    fundingBodyCode: client.fundingBodyCode,
    kind: BudgetKind.PERSONAL_BUDGET,
    management: BudgetManagement.DIRECT_PAYMENT,
    periodStart: "2026-04-01",
    periodEnd: "2027-03-31",
    coveredCategories: ["PERSONAL_CARE", "PA_SUPPORT", "DOMESTIC", "GARDENING", "THERAPY", "SOCIAL_LEISURE"],
    reviewDueOn: "2026-10-01",
    allocatedPence: 0,
    committedPence: 0,
    spentPence: 0,
    returnedPence: 0,
    createdAt: new Date(),
    ...overrides,
  });
  const allocation = budget.allocatedPence || 1_000_000;
  budget.allocatedPence = allocation;
  await db.getRepository(BudgetEntity).insert(budget);
  await db
    .getRepository("ledger_entries")
    .insert({ id: newId(), budgetId: budget.id, kind: LedgerKind.ALLOCATION, amountPence: allocation, memo: "Allocation", occurredAt: new Date() });
  return budget;
}

/** A broker user assigned to the client. */
export async function aBroker(db: DataSource, client?: ClientEntity): Promise<UserEntity> {
  const broker = await aUser(db, { roles: [Role.BROKER], fundingBodyCode: MERTON });
  if (client) {
    await db.getRepository(ClientEntity).update({ id: client.id }, { brokerUserId: broker.id });
    client.brokerUserId = broker.id;
  }
  return broker;
}

/** A self-employed personal assistant with an hourly listing. */
export async function aPersonalAssistant(db: DataSource, pricePence = 1500): Promise<{ provider: ProviderEntity; listing: ListingEntity; user: UserEntity }> {
  const provider = await aProvider(db, { kind: ProviderKind.PERSONAL_ASSISTANT, cqcLocationId: null, cqcRating: null });
  const listing = await aListing(db, provider, { categoryCode: "PA_SUPPORT", title: "Personal assistant support", pricePence });
  const user = await aUser(db, { roles: [Role.PROVIDER], providerId: provider.id });
  return { provider, listing, user };
}

/** Every budget's totals against the sums of its ledger; returns the budgets that disagree. */
export async function ledgerMismatches(db: DataSource): Promise<unknown[]> {
  return db.query(`
    SELECT b.id, b.allocated_pence, b.committed_pence, b.spent_pence, b.returned_pence, b.reclaimed_pence, b.carried_forward_pence, l.*
    FROM budgets b LEFT JOIN LATERAL (
      SELECT coalesce(sum(amount_pence) FILTER (WHERE kind IN ('ALLOCATION', 'TOP_UP', 'CARRY_FORWARD_IN')), 0) AS allocated,
             coalesce(sum(CASE kind WHEN 'COMMITMENT' THEN amount_pence WHEN 'RELEASE' THEN -amount_pence
                                    WHEN 'SPEND' THEN -amount_pence WHEN 'RETURN_TO_FUNDER' THEN -amount_pence END), 0) AS committed,
             coalesce(sum(CASE kind WHEN 'SPEND' THEN amount_pence WHEN 'FEE' THEN amount_pence WHEN 'REFUND' THEN -amount_pence WHEN 'REVERSAL' THEN -amount_pence END), 0) AS spent,
             coalesce(sum(amount_pence) FILTER (WHERE kind = 'RETURN_TO_FUNDER'), 0) AS returned,
             coalesce(sum(amount_pence) FILTER (WHERE kind = 'CLAWBACK'), 0) AS reclaimed,
             coalesce(sum(amount_pence) FILTER (WHERE kind = 'CARRY_FORWARD_OUT'), 0) AS carried_forward
      FROM ledger_entries e WHERE e.budget_id = b.id) l ON true
    WHERE b.allocated_pence <> l.allocated OR b.committed_pence <> l.committed OR b.spent_pence <> l.spent
       OR b.returned_pence <> l.returned OR b.reclaimed_pence <> l.reclaimed OR b.carried_forward_pence <> l.carried_forward
       OR b.allocated_pence - b.committed_pence - b.spent_pence - b.returned_pence - b.reclaimed_pence - b.carried_forward_pence < 0`);
}

/** A booking with one scheduled visit, inserted directly (no commitment posted: for read-only tests). */
export async function aBookingRow(db: DataSource, budget: BudgetEntity, listing: ListingEntity, createdBy: UserEntity): Promise<BookingEntity> {
  const startsAt = new Date(Date.UTC(2026, 4, 1, 9) + next() * 3_600_000);
  const booking = db.getRepository(BookingEntity).create({
    id: newId(),
    clientId: budget.clientId,
    budgetId: budget.id,
    fundingBodyCode: budget.fundingBodyCode,
    listingId: listing.id,
    providerId: listing.providerId,
    quoteId: null,
    status: BookingStatus.REQUESTED,
    startsAt,
    recurrence: null,
    unitsPerVisit: 1,
    unitPricePence: listing.pricePence,
    payeeRelationship: PayeeRelationship.NONE,
    approvalReasons: [],
    approvalDecision: null,
    approvalDecidedBy: null,
    approvalDecidedAt: null,
    approvalNote: "",
    createdByUserId: createdBy.id,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await insertRows(db.manager, BookingEntity, [booking]);
  await insertRows(db.manager, VisitEntity, [
    {
      id: newId(),
      bookingId: booking.id,
      providerId: listing.providerId,
      singlePerson: false,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      units: 1,
      costPence: listing.pricePence,
      status: VisitStatus.SCHEDULED,
    },
  ]);
  return booking;
}
