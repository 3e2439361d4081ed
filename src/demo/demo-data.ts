/**
 * Demo data for `npm start` on an empty database: the catalogue (Merton, E09000024, as the demo
 * funding body), one user of every role, budget holders with budgets for this financial year (Carol
 * at home; Mr Ahmed and two neighbours in a care home, all with Bola Broker), the published
 * reference rates, a booking, a group session at the care home and a draft package, so a newcomer
 * can search, sign in and look around at once (`npm run token -- client@example.org`).
 */
import { In, type DataSource, type EntityManager, type ObjectLiteral } from "typeorm";
import type { App } from "../app";
import { UserEntity, viewerOf } from "../modules/auth";
import { GroupSplit, PayeeRelationship } from "../modules/bookings";
import { BudgetEntity, BudgetManagement, ClientEntity, ClientSetting, LedgerEntryEntity, LedgerKind } from "../modules/budgets";
import { ListingEntity, ListingSetting } from "../modules/listings";
import { ProviderEntity, ProviderKind } from "../modules/providers";
import { BudgetKind, Unit } from "../modules/reference";
import { Role } from "../shared/auth";
import { insertRows } from "../shared/db";
import { newId } from "../shared/ids";
import { addDays, fromLondonWallClock, londonDate } from "../shared/time";
import { generateCatalogue, MERTON, type Catalogue } from "./catalogue";
import { PUBLISHED_REFERENCE_RATES } from "./reference-rates";

export const DEMO_USERS: { email: string; displayName: string; roles: Role[] }[] = [
  { email: "admin@example.org", displayName: "Ada Admin", roles: [Role.ADMIN] },
  { email: "commissioner@example.org", displayName: "Chris Commissioner", roles: [Role.COMMISSIONER] },
  { email: "broker@example.org", displayName: "Bola Broker", roles: [Role.BROKER] },
  { email: "client@example.org", displayName: "Carol Client", roles: [Role.CLIENT] },
  { email: "provider@example.org", displayName: "Pat Provider", roles: [Role.PROVIDER] },
];

/** Loads the demo data if the database has no users yet; true if it did. */
export async function loadDemoData({ db, services }: Pick<App, "db" | "services">): Promise<boolean> {
  const loaded = await db.transaction(async (tx) => {
    // Two servers starting together on one empty database must not both load it.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('marketplace:demo-data'))");
    if ((await tx.count(UserEntity)) > 0) return null;
    const catalogue = generateCatalogue();
    await insertCatalogue(tx, catalogue);
    const today = londonDate(services.clock.now());
    const clients = await insertClients(tx, catalogue, today);
    const users = demoUsers(catalogue, clients.carol.id);
    await insertChunks(tx, UserEntity, users);
    const broker = users.find((u) => u.roles.includes(Role.BROKER))!;
    await tx.update(ClientEntity, { fundingBodyCode: MERTON }, { brokerUserId: broker.id });
    return { catalogue, clients, users };
  });
  if (!loaded) return false;
  const admin = loaded.users.find((u) => u.roles.includes(Role.ADMIN))!;
  const rates = await services.rates.import(viewerOf(admin), { csv: PUBLISHED_REFERENCE_RATES, dryRun: false });
  if (!rates.ok) throw new Error(`The published reference rates did not import: ${rates.errors.map((e) => e.message).join("; ")}`);
  await bookDemoVisits(db, loaded.catalogue, loaded.users, services);
  await arrangeDemoSupport(db, loaded.catalogue, loaded.users, services);
  return true;
}

export async function insertCatalogue(tx: EntityManager, { providers, listings }: Catalogue): Promise<void> {
  await insertChunks(tx, ProviderEntity, providers);
  await insertChunks(tx, ListingEntity, listings);
}

/** Carol at home with a direct payment; Mr Ahmed and two neighbours in a care home with council-managed budgets. */
async function insertClients(tx: EntityManager, catalogue: Catalogue, today: string) {
  const careHome = catalogue.providers.find((p) => p.kind === ProviderKind.CARE_HOME)!;
  const client = (displayName: string, extra: Partial<ClientEntity>) =>
    Object.assign(new ClientEntity(), { id: newId(), displayName, fundingBodyCode: MERTON, brokerUserId: null, createdAt: new Date(), ...extra });
  const carol = client("Carol Client", {
    postcodeDistrict: "SW19",
    setting: ClientSetting.OWN_HOME,
    careHomeId: null,
    dateOfBirth: "1944-02-11",
    newToSupport: false,
  });
  const resident = (name: string, dateOfBirth: string) =>
    client(name, { postcodeDistrict: "SM4", setting: ClientSetting.CARE_HOME, careHomeId: careHome.id, dateOfBirth, newToSupport: true });
  const residents = [resident("Mr Ahmed", "1936-09-30"), resident("Mrs Okafor", "1939-03-12"), resident("Mr Price", "1941-07-23")];
  await insertRows(tx, ClientEntity, [carol, ...residents]);

  // The financial year that contains today (1 April to 31 March).
  const year = Number(today.slice(0, 4)) - (today.slice(5) < "04-01" ? 1 : 0);
  const budget = (holder: ClientEntity, allocatedPence: number, extra: Partial<BudgetEntity>) =>
    Object.assign(new BudgetEntity(), {
      id: newId(),
      clientId: holder.id,
      fundingBodyCode: MERTON,
      kind: BudgetKind.PERSONAL_BUDGET,
      periodStart: `${year}-04-01`,
      periodEnd: `${year + 1}-03-31`,
      reviewDueOn: `${year}-10-01`,
      allocatedPence,
      committedPence: 0,
      spentPence: 0,
      returnedPence: 0,
      createdAt: new Date(),
      ...extra,
    });
  // DOMAIN.md's worked example: 10 h/week at Merton's 1955p/h for 52 weeks.
  const budgets = [
    budget(carol, 1_016_600, { management: BudgetManagement.DIRECT_PAYMENT, coveredCategories: ["PA_SUPPORT", "PERSONAL_CARE", "DOMESTIC", "GARDENING"] }),
    ...residents.map((r) => budget(r, 150_000, { management: BudgetManagement.COUNCIL_MANAGED, coveredCategories: ["THERAPY", "SOCIAL_LEISURE"] })),
  ];
  await insertRows(tx, BudgetEntity, budgets);
  await insertRows(
    tx,
    LedgerEntryEntity,
    budgets.map((b) => ({
      id: newId(),
      budgetId: b.id,
      kind: LedgerKind.ALLOCATION,
      amountPence: b.allocatedPence,
      memo: "Allocation",
      occurredAt: new Date(),
    })),
  );
  return { carol, residents };
}

function demoUsers(catalogue: Catalogue, clientId: string): UserEntity[] {
  const agency = catalogue.providers[0];
  return DEMO_USERS.map((user) =>
    Object.assign(new UserEntity(), {
      id: newId(),
      ...user,
      subject: user.email,
      providerId: user.roles.includes(Role.PROVIDER) ? agency.id : null,
      fundingBodyCode: user.roles.some((r) => r === Role.COMMISSIONER || r === Role.BROKER) ? MERTON : null,
      clientId: user.roles.includes(Role.CLIENT) ? clientId : null,
      createdAt: new Date(),
    }),
  );
}

/** Carol books a personal assistant for Monday and Thursday mornings, through the real booking path. */
async function bookDemoVisits(db: DataSource, catalogue: Catalogue, users: UserEntity[], services: App["services"]): Promise<void> {
  const carol = users.find((u) => u.roles.includes(Role.CLIENT))!;
  const pa = catalogue.providers.find((p) => p.kind === ProviderKind.PERSONAL_ASSISTANT)!;
  const listing = catalogue.listings.find((l) => l.providerId === pa.id && l.categoryCode === "PA_SUPPORT" && l.active);
  const [budget] = await db.getRepository(BudgetEntity).findBy({ clientId: carol.clientId! });
  if (!listing || !budget) return;
  const tomorrow = addDays(londonDate(services.clock.now()), 1);
  const startsAt = londonAt(tomorrow, 9);
  await services.bookings.create(viewerOf(carol), {
    listingId: listing.id,
    budgetId: budget.id,
    startsAt,
    recurrence: "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=16",
    unitsPerVisit: 2,
    payeeRelationship: PayeeRelationship.NONE,
    idempotencyKey: "demo-booking",
  });
}

/**
 * Bola Broker's work: a weekly group massage session at the care home for its three residents,
 * each paying a third, and a draft package of gardening and cleaning for Carol.
 */
async function arrangeDemoSupport(db: DataSource, catalogue: Catalogue, users: UserEntity[], services: App["services"]): Promise<void> {
  const broker = viewerOf(users.find((u) => u.roles.includes(Role.BROKER))!);
  const careHome = catalogue.providers.find((p) => p.kind === ProviderKind.CARE_HOME)!;
  const session = catalogue.listings.find((l) => l.setting === ListingSetting.CARE_HOME && l.groupCapacity >= 3 && l.active);
  const residents = await db.getRepository(ClientEntity).findBy({ careHomeId: careHome.id });
  const budgets = await db.getRepository(BudgetEntity).findBy({ clientId: In(residents.map((r) => r.id)) });
  const startsAt = londonAt(addDays(londonDate(services.clock.now()), 7), 14);
  if (session) {
    await services.groupBookings.create(broker, {
      listingId: session.id,
      careHomeId: careHome.id,
      startsAt,
      recurrence: "FREQ=WEEKLY;COUNT=8",
      unitsPerSession: 1,
      participants: budgets.map((b) => ({ budgetId: b.id, units: null })),
      split: GroupSplit.EQUAL,
      idempotencyKey: "demo-group-session",
    });
  }

  const carol = users.find((u) => u.roles.includes(Role.CLIENT))!;
  const [carolsBudget] = await db.getRepository(BudgetEntity).findBy({ clientId: carol.clientId! });
  const draft = await services.packages.create(broker, { clientId: carol.clientId!, budgetId: carolsBudget.id });
  if (!draft.ok) return;
  for (const category of ["GARDENING", "DOMESTIC"]) {
    const listing = catalogue.listings.find(
      (l) =>
        l.categoryCode === category &&
        l.unit === Unit.HOUR &&
        l.active &&
        catalogue.providers.find((p) => p.id === l.providerId)?.serviceAreas.includes(MERTON),
    );
    if (!listing) continue;
    await services.packages.addItem(broker, {
      packageId: draft.value.id,
      listingId: listing.id,
      startsAt,
      recurrence: "FREQ=WEEKLY",
      unitsPerVisit: 2,
      endsOn: null,
      payeeRelationship: PayeeRelationship.NONE,
    });
  }
}

function londonAt(day: string, hour: number): Date {
  return fromLondonWallClock({ year: +day.slice(0, 4), month: +day.slice(5, 7), day: +day.slice(8, 10), hour, minute: 0 });
}

async function insertChunks<T extends ObjectLiteral>(tx: EntityManager, entity: new () => T, rows: T[], size = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insertRows(tx, entity, rows.slice(i, i + size));
}
