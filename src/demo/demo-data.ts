/**
 * Demo data for `npm start` on an empty database: the catalogue (Merton, E09000024, as the demo
 * funding body), one user of every role, budget holders with budgets for this financial year (Carol
 * at home; Mr Ahmed and two neighbours in a care home, all with Bola Broker), the published
 * reference rates, a booking, a group session at the care home and a draft package, so a newcomer
 * can search, sign in and look around at once (`npm run token -- client@example.org`). Last year
 * lived through, delivered, paid and closed, and this year so far: demo-year.ts.
 */
import type { EntityManager, ObjectLiteral } from "typeorm";
import type { App } from "../app";
import { viewerOf, type UserView } from "../modules/auth";
import { GroupSplit, PayeeRelationship } from "../modules/bookings";
import { BudgetManagement, ClientSetting, type BudgetView, type ClientView, type CreateClientCommand } from "../modules/budgets";
import { ListingSetting, type ListingView } from "../modules/listings";
import { parseCsv } from "../modules/pricing";
import { parseRegister, ProviderKind, type ProviderView } from "../modules/providers";
import { BudgetKind, RateType, Unit } from "../modules/reference";
import { Role, type Viewer } from "../shared/auth";
import { newId } from "../shared/ids";
import { addDays, londonDate, type MovableClock } from "../shared/time";
import { generateCatalogue, MERTON, type Catalogue } from "./catalogue";
import { registerCsvOf } from "./cqc-register";
import { londonAt, succeeded } from "./steps";
import { liveThroughTheYears, type YearCast, type YearHolder } from "./demo-year";
import { PUBLISHED_REFERENCE_RATES } from "./reference-rates";

type Services = App["services"];

export const DEMO_USERS: { email: string; displayName: string; roles: Role[] }[] = [
  { email: "admin@example.org", displayName: "Ada Admin", roles: [Role.ADMIN] },
  { email: "commissioner@example.org", displayName: "Chris Commissioner", roles: [Role.COMMISSIONER] },
  { email: "broker@example.org", displayName: "Bola Broker", roles: [Role.BROKER] },
  { email: "client@example.org", displayName: "Carol Client", roles: [Role.CLIENT] },
  { email: "provider@example.org", displayName: "Pat Provider", roles: [Role.PROVIDER] },
];

/** The demo's budget holders and their budgets, as the services made them. */
interface Holders {
  carol: YearHolder;
  /** At home too, council-managed: his last year's surplus was carried into this one. */
  dev: YearHolder;
  residents: YearHolder[];
}

/**
 * Loads the demo data if the database has no users yet; true if it did. The catalogue is bulk-inserted
 * with the first administrator; everything else is made through the services, as a user would.
 */
export async function loadDemoData(app: Pick<App, "db" | "services">, clock: MovableClock): Promise<boolean> {
  const { db, services } = app;
  // The year is lived through by moving the clock the services read: it must be theirs.
  if (services.clock !== clock) throw new Error("loadDemoData needs the clock the app's services were made with");
  const seeded = await db.transaction(async (tx) => {
    // Two servers starting together on one empty database must not both load it: the second finds the administrator.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('marketplace:demo-data'))");
    if ((await tx.count("users")) > 0) return null;
    const now = services.clock.now();
    const catalogue = generateCatalogue({ now });
    const admin = demoAdmin(now);
    await insertCatalogue(tx, catalogue);
    await insertChunks(tx, "users", [admin]);
    return { catalogue, admin: viewerOf(admin) };
  });
  if (!seeded) return false;
  const { catalogue, admin } = seeded;
  succeeded("The published reference rates", await services.rates.import(admin, { csv: PUBLISHED_REFERENCE_RATES, dryRun: false }));
  const holders = await createHolders(services, admin, catalogue);
  const pats = patsListing(catalogue);
  const users = await createUsers(services, admin, pats.providerId, holders.carol.client.id);
  await assignBroker(services, admin, holders, users);
  await liveThroughTheYears(app, clock, castOf(users), { carol: holders.carol, dev: holders.dev }, pats);
  await bookDemoVisits(pats, users, holders, services);
  await arrangeDemoSupport(catalogue, users, holders, services);
  return true;
}

/**
 * Providers and listings, 500 rows a statement (the benchmark's catalogue is large); the CQC register
 * of their locations (through the register's CSV format and parser), and each verified provider's
 * verification.
 */
export async function insertCatalogue(tx: EntityManager, { providers, listings }: Catalogue): Promise<void> {
  await insertChunks(tx, "providers", providers);
  await insertChunks(tx, "listings", listings);
  const { locations, errors } = parseRegister(parseCsv(registerCsvOf(providers)));
  if (errors.length) throw new Error(`demo CQC register: ${errors[0].message}`);
  const now = new Date();
  await insertChunks(
    tx,
    "cqc_locations",
    locations.map((l) => ({ ...l, importedAt: now })),
  );
  const checks = (p: ProviderView) => (p.cqcLocationId ? ["CQC_REGISTER", "DBS", "IDENTITY", "INSURANCE"] : ["DBS", "IDENTITY", "INSURANCE"]);
  const verified = providers.filter((p) => p.verified);
  await insertChunks(
    tx,
    "provider_verifications",
    verified.map((p) => ({ id: newId(), providerId: p.id, verifiedAt: p.createdAt, verifiedByUserId: null, checks: checks(p), note: "Demo data." })),
  );
}

/** The first administrator: nobody can create them through the services, since that takes an administrator. */
function demoAdmin(now: Date): UserView {
  const { email, displayName, roles } = DEMO_USERS[0];
  return { id: newId(), email, displayName, subject: email, roles, providerId: null, fundingBodyCode: null, clientId: null, createdAt: now };
}

/** Carol at home with a direct payment; Mr Ahmed and two neighbours in a care home with council-managed budgets. */
async function createHolders(services: Services, admin: Viewer, catalogue: Catalogue): Promise<Holders> {
  const careHome = catalogue.providers.find((p) => p.kind === ProviderKind.CARE_HOME)!;
  const client = async (displayName: string, details: Omit<CreateClientCommand, "displayName" | "fundingBodyCode">) =>
    succeeded(displayName, await services.clients.create(admin, { displayName, fundingBodyCode: MERTON, ...details }));
  const carol = await client("Carol Client", { postcodeDistrict: "SW19", setting: ClientSetting.OWN_HOME, dateOfBirth: "1944-02-11", newToSupport: false });
  // DOMAIN.md's worked example: 10 h/week at Merton's 1955p/h for 52 weeks.
  const dev = await client("Dev Patel", { postcodeDistrict: "SW19", setting: ClientSetting.OWN_HOME, dateOfBirth: "1952-06-04", newToSupport: false });
  const holders: Holders = {
    carol: { client: carol, budget: await createBudget(services, admin, carol, 1_016_600, BudgetManagement.DIRECT_PAYMENT, CAROLS_NEEDS) },
    dev: { client: dev, budget: await createBudget(services, admin, dev, 10 * 2 * 1955, BudgetManagement.COUNCIL_MANAGED, ["PA_SUPPORT"]) },
    residents: [],
  };
  for (const [name, dateOfBirth] of RESIDENTS) {
    const resident = await client(name, {
      postcodeDistrict: "SM4",
      setting: ClientSetting.CARE_HOME,
      careHomeId: careHome.id,
      dateOfBirth,
      newToSupport: true,
    });
    const budget = await createBudget(services, admin, resident, 150_000, BudgetManagement.COUNCIL_MANAGED, RESIDENTS_NEEDS);
    holders.residents.push({ client: resident, budget });
  }
  return holders;
}

const CAROLS_NEEDS = ["PA_SUPPORT", "PERSONAL_CARE", "DOMESTIC", "GARDENING"];
const RESIDENTS: [string, string][] = [
  ["Mr Ahmed", "1936-09-30"],
  ["Mrs Okafor", "1939-03-12"],
  ["Mr Price", "1941-07-23"],
];
const RESIDENTS_NEEDS = ["THERAPY", "SOCIAL_LEISURE"];

/** A personal budget for the financial year that contains today (1 April to 31 March), reviewed on 1 October. */
async function createBudget(
  services: Services,
  admin: Viewer,
  holder: ClientView,
  allocatedPence: number,
  management: BudgetManagement,
  coveredCategoryCodes: string[],
): Promise<BudgetView> {
  const today = londonDate(services.clock.now());
  const year = Number(today.slice(0, 4)) - (today.slice(5) < "04-01" ? 1 : 0);
  const command = {
    clientId: holder.id,
    kind: BudgetKind.PERSONAL_BUDGET,
    management,
    periodStart: `${year}-04-01`,
    periodEnd: `${year + 1}-03-31`,
    reviewDueOn: `${year}-10-01`,
    allocatedPence,
    coveredCategoryCodes,
    idempotencyKey: `demo-budget-${holder.id}`,
  };
  return succeeded(`${holder.displayName}'s budget`, await services.budgets.create(admin, command));
}

/** The demo users after the administrator: a commissioner and a broker of Merton, Carol, and Pat, the personal assistant. */
async function createUsers(services: Services, admin: Viewer, patsProviderId: string, carolsClientId: string): Promise<UserView[]> {
  const users: UserView[] = [];
  for (const { email, displayName, roles } of DEMO_USERS.slice(1)) {
    const command = {
      email,
      displayName,
      roles,
      subject: null,
      providerId: roles.includes(Role.PROVIDER) ? patsProviderId : undefined,
      fundingBodyCode: roles.some((r) => r === Role.COMMISSIONER || r === Role.BROKER) ? MERTON : null,
      clientId: roles.includes(Role.CLIENT) ? carolsClientId : undefined,
    };
    users.push(succeeded(email, await services.users.create(admin, command)));
  }
  return users;
}

/** Bola Broker acts for every demo client. */
async function assignBroker(services: Services, admin: Viewer, { carol, dev, residents }: Holders, users: UserView[]): Promise<void> {
  const broker = users.find((u) => u.roles.includes(Role.BROKER))!;
  for (const { client } of [carol, dev, ...residents]) {
    succeeded(`${client.displayName}'s broker`, await services.clients.assignBroker(admin, { clientId: client.id, broker: { userId: broker.id } }));
  }
}

/**
 * Pat's listing: a personal assistant's daytime support at home in Merton, below Merton's 1955p an
 * hour (so every visit saves), at the STANDARD rate (rule 12) delivered at home, where Carol lives (rule 11).
 */
function patsListing(catalogue: Catalogue): ListingView {
  const listing = catalogue.listings.find((l) => {
    const provider = catalogue.providers.find((p) => p.id === l.providerId)!;
    return (
      provider.kind === ProviderKind.PERSONAL_ASSISTANT &&
      provider.serviceAreas.includes(MERTON) &&
      l.categoryCode === "PA_SUPPORT" &&
      l.rateType === RateType.STANDARD &&
      l.setting === ListingSetting.HOME &&
      l.active &&
      l.pricePence < 1955
    );
  });
  if (!listing) throw new Error("The demo catalogue has no personal assistant below Merton's rate");
  return listing;
}

function castOf(users: UserView[]): YearCast {
  const withRole = (role: Role) => viewerOf(users.find((u) => u.roles.includes(role))!);
  return { commissioner: withRole(Role.COMMISSIONER), broker: withRole(Role.BROKER), carol: withRole(Role.CLIENT), pat: withRole(Role.PROVIDER) };
}

/** Carol books Pat for Monday and Thursday mornings from tomorrow, through the real booking path. */
async function bookDemoVisits(listing: ListingView, users: UserView[], { carol }: Holders, services: Services): Promise<void> {
  const carolUser = users.find((u) => u.roles.includes(Role.CLIENT))!;
  const tomorrow = addDays(londonDate(services.clock.now()), 1);
  const booked = await services.bookings.create(viewerOf(carolUser), {
    listingId: listing.id,
    budgetId: carol.budget.id,
    startsAt: londonAt(tomorrow, 9),
    recurrence: "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=16",
    unitsPerVisit: 2,
    payeeRelationship: PayeeRelationship.NONE,
    idempotencyKey: "demo-booking",
  });
  succeeded("Carol's booking", booked);
}

/**
 * Bola Broker's work: a weekly group massage session at the care home for its three residents,
 * each paying a third, and a draft package of gardening and cleaning for Carol.
 */
async function arrangeDemoSupport(catalogue: Catalogue, users: UserView[], holders: Holders, services: Services): Promise<void> {
  const broker = viewerOf(users.find((u) => u.roles.includes(Role.BROKER))!);
  const startsAt = londonAt(addDays(londonDate(services.clock.now()), 7), 14);
  await bookGroupSession(catalogue, holders, services, broker, startsAt);
  await draftPackage(catalogue, holders, services, broker, startsAt);
}

async function bookGroupSession(catalogue: Catalogue, { residents }: Holders, services: Services, broker: Viewer, startsAt: Date): Promise<void> {
  const careHome = catalogue.providers.find((p) => p.kind === ProviderKind.CARE_HOME)!;
  const session = catalogue.listings.find((l) => l.setting === ListingSetting.CARE_HOME && l.groupCapacity >= 3 && l.active);
  if (!session) return;
  await services.groupBookings.create(broker, {
    listingId: session.id,
    careHomeId: careHome.id,
    startsAt,
    recurrence: "FREQ=WEEKLY;COUNT=8",
    unitsPerSession: 1,
    participants: residents.map(({ budget }) => ({ budgetId: budget.id, units: null })),
    split: GroupSplit.EQUAL,
    idempotencyKey: "demo-group-session",
  });
}

async function draftPackage(catalogue: Catalogue, { carol }: Holders, services: Services, broker: Viewer, startsAt: Date): Promise<void> {
  const draft = await services.packages.create(broker, { clientId: carol.client.id, budgetId: carol.budget.id });
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

/** Inserts rows into another module's table by its name (its entity is that module's own), 500 a statement. */
async function insertChunks(tx: EntityManager, table: string, rows: ObjectLiteral[], size = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    await tx
      .createQueryBuilder()
      .insert()
      .into(table)
      .values(rows.slice(i, i + size))
      .updateEntity(false)
      .execute();
  }
}
