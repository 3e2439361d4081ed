/**
 * The access matrix generated from schema.graphql. Every query is asked, as every viewer, for the
 * objects of someone else through every id-valued argument and filter field; every mutation is tried
 * as every viewer who may not act on another party's object, and with each owned id swapped for the
 * other party's. A response must never carry the id of a private object the viewer may not see, a
 * refused mutation must change nothing, and every field and id argument of the schema must be
 * classified in the tables below, so that nothing new escapes the matrix.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  buildSchema,
  getNamedType,
  isAbstractType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLOutputType,
  type GraphQLType,
} from "graphql";
import { PUBLISHED_REFERENCE_RATES } from "../../src/demo/reference-rates";
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { BookingStatus } from "../../src/modules/bookings";
import { ClientSetting } from "../../src/modules/budgets";
import type { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import { ListingSetting } from "../../src/modules/listings";
import type { ListingEntity } from "../../src/modules/listings/listing.entity";
import { ProviderKind } from "../../src/modules/providers";
import type { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { Unit } from "../../src/modules/reference";
import { Role } from "../../src/shared/auth";
import { toGlobalId } from "../../src/shared/ids";
import { aNewcomer, useApi, viewerFor, type GraphQLResponse, type TestApi } from "../support/api";
import { PayeeRelationship, scheduleOf, VisitOutcome } from "../../src/modules/bookings";
import {
  aBudget,
  aClient,
  aClientUser,
  aCommissioner,
  aListing,
  anAdmin,
  aProvider,
  aProviderMember,
  aUser,
  LEICESTERSHIRE,
  MERTON,
} from "../support/factories";

const CQC_REGISTER = readFileSync(path.join(__dirname, "..", "fixtures", "cqc", "hsca-active-locations.csv"), "utf8");
const SCHEMA = buildSchema(readFileSync(path.join(__dirname, "..", "..", "schema.graphql"), "utf8"));

// A newcomer: a valid token whose subject no user has; they may only read the public catalogue and registerProvider.
const VIEWERS = [
  "anonymous",
  "newcomer",
  "clientA",
  "clientB",
  "brokerA",
  "brokerB",
  "providerX",
  "providerY",
  "commissionerA",
  "commissionerB",
  "admin",
] as const;
type ViewerName = (typeof VIEWERS)[number];
type Side = "A" | "B";
const OTHER: Record<Side, Side> = { A: "B", B: "A" };
const DENIED = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "NOT_PERMITTED"];

// ---------------------------------------------------------------------------------------------
// The world: two of everything. Side A is Merton's (client A, broker A, provider X, commissioner A),
// side B Leicestershire's; each side has a client with a budget, a booking with its visits, a quote
// request with a quote, a draft package, an inactive listing and a group session at a care home.

interface SideObjects {
  fundingBodyCode: string;
  holder: ClientEntity;
  budget: BudgetEntity;
  broker: UserEntity;
  provider: ProviderEntity;
  listing: ListingEntity;
  inactiveListing: ListingEntity;
  careHome: ProviderEntity;
  session: ListingEntity;
  residents: BudgetEntity[];
  bookingId: string;
  visitId: string;
  requestId: string;
  quoteId: string;
  packageId: string;
  itemId: string;
  groupBookingId: string;
  /** The side's provider member's webhook. */
  webhookId: string;
  /** A payment run of the side's funding body (a second booking's visit, delivered, confirmed and paid). */
  paymentRunId: string;
}

/** A private object: its global id and who may see it. */
interface Private {
  id: string;
  type: string;
  side: Side;
  owners: Set<ViewerName>;
}

interface World {
  viewers: Record<ViewerName, UserEntity | null>;
  sides: Record<Side, SideObjects>;
  privates: Private[];
}

const AREAS: Record<Side, { fundingBodyCode: string; district: string }> = {
  A: { fundingBodyCode: MERTON, district: "SW19" },
  B: { fundingBodyCode: LEICESTERSHIRE, district: "LE1" },
};
const id = (type: string, uuid: string) => toGlobalId(type, uuid);

async function call<T>(api: TestApi, query: string, input: Record<string, unknown>, as: UserEntity): Promise<T> {
  return api.data<T>(query, { input }, { as });
}

async function buildSide(api: TestApi, side: Side): Promise<{ objects: SideObjects; client: UserEntity; providerUser: UserEntity; commissioner: UserEntity }> {
  const { fundingBodyCode, district } = AREAS[side];
  const area = { serviceAreas: [fundingBodyCode], postcodeDistricts: [district] };
  const { user: providerUser, provider } = await aProviderMember(api.db, await aProvider(api.db, area));
  const listing = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE" });
  const inactiveListing = await aListing(api.db, provider, { active: false });
  const holder = await aClient(api.db, { fundingBodyCode, postcodeDistrict: district });
  const { user: client } = await aClientUser(api.db, holder);
  const budget = await aBudget(api.db, holder);
  const broker = await aUser(api.db, { roles: [Role.BROKER], fundingBodyCode });
  await api.db.query("UPDATE clients SET broker_user_id = $2 WHERE id = $1", [holder.id, broker.id]);
  holder.brokerUserId = broker.id;
  const commissioner = await aCommissioner(api.db, fundingBodyCode);

  const careHome = await aProvider(api.db, { ...area, kind: ProviderKind.CARE_HOME });
  const session = await aListing(api.db, provider, {
    categoryCode: "THERAPY",
    unit: Unit.SESSION,
    visitMinutes: 60,
    pricePence: 3000,
    setting: ListingSetting.CARE_HOME,
    groupCapacity: 4,
  });
  const residents: BudgetEntity[] = [];
  for (let i = 0; i < 2; i++) {
    const resident = await aClient(api.db, {
      fundingBodyCode,
      postcodeDistrict: district,
      setting: ClientSetting.CARE_HOME,
      careHomeId: careHome.id,
      brokerUserId: broker.id,
    });
    residents.push(await aBudget(api.db, resident));
  }

  const { createBooking } = await call<{ createBooking: { booking: { id: string; visits: { nodes: { id: string }[] } } } }>(
    api,
    "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id visits { nodes { id } } } } }",
    { listingId: id("Listing", listing.id), budgetId: id("Budget", budget.id), startsAt: "2026-04-06T09:00:00Z", idempotencyKey: `booking-${side}` },
    client,
  );
  const { requestQuote } = await call<{ requestQuote: { quoteRequest: { id: string } } }>(
    api,
    "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } } }",
    {
      clientId: id("Client", holder.id),
      categoryCode: "PERSONAL_CARE",
      description: "Mornings",
      unitsPerWeek: 5,
      startsOn: "2026-04-06",
      endsOn: "2026-04-30",
    },
    client,
  );
  const { submitQuote } = await call<{ submitQuote: { quote: { id: string } } }>(
    api,
    "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } } }",
    {
      requestId: requestQuote.quoteRequest.id,
      listingId: id("Listing", listing.id),
      unitPricePence: 2000,
      startsAt: "2026-04-07T07:00:00Z",
      validUntil: "2026-03-20T00:00:00Z",
    },
    providerUser,
  );
  const { createPackage } = await call<{ createPackage: { package: { id: string } } }>(
    api,
    "mutation ($input: CreatePackageInput!) { createPackage(input: $input) { package { id } } }",
    { clientId: id("Client", holder.id), budgetId: id("Budget", budget.id) },
    broker,
  );
  const { addPackageItem } = await call<{ addPackageItem: { package: { items: { id: string }[] } } }>(
    api,
    "mutation ($input: AddPackageItemInput!) { addPackageItem(input: $input) { package { items { id } } } }",
    { packageId: createPackage.package.id, listingId: id("Listing", listing.id), startsAt: "2026-04-08T09:00:00Z" },
    broker,
  );
  const { createGroupBooking } = await call<{ createGroupBooking: { groupBooking: { id: string } } }>(
    api,
    "mutation ($input: CreateGroupBookingInput!) { createGroupBooking(input: $input) { groupBooking { id } } }",
    { ...groupInput(session, careHome, residents, "2026-04-07T14:00:00Z"), idempotencyKey: `group-${side}` },
    broker,
  );
  const { createWebhook } = await call<{ createWebhook: { webhook: { id: string } } }>(
    api,
    "mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }",
    { url: "https://93.184.216.34/hooks", events: ["BOOKING_REQUESTED"] },
    providerUser,
  );
  const objects: SideObjects = {
    fundingBodyCode,
    holder,
    budget,
    broker,
    provider,
    listing,
    inactiveListing,
    careHome,
    session,
    residents,
    bookingId: createBooking.booking.id,
    visitId: createBooking.booking.visits.nodes[0].id,
    requestId: requestQuote.quoteRequest.id,
    quoteId: submitQuote.quote.id,
    packageId: createPackage.package.id,
    itemId: addPackageItem.package.items[0].id,
    groupBookingId: createGroupBooking.groupBooking.id,
    webhookId: createWebhook.webhook.id,
    paymentRunId: "",
  };
  return { objects, client, providerUser, commissioner };
}

function groupInput(session: ListingEntity, careHome: ProviderEntity, residents: BudgetEntity[], startsAt: string) {
  return {
    listingId: id("Listing", session.id),
    careHomeId: id("Provider", careHome.id),
    startsAt,
    participants: residents.map((b) => ({ budgetId: id("Budget", b.id) })),
  };
}

async function buildWorld(api: TestApi): Promise<World> {
  api.clock.set("2026-03-01T10:00:00Z");
  const a = await buildSide(api, "A");
  const b = await buildSide(api, "B");
  const viewers: Record<ViewerName, UserEntity | null> = {
    anonymous: null,
    newcomer: aNewcomer(),
    clientA: a.client,
    clientB: b.client,
    brokerA: a.objects.broker,
    brokerB: b.objects.broker,
    providerX: a.providerUser,
    providerY: b.providerUser,
    commissionerA: a.commissioner,
    commissionerB: b.commissioner,
    admin: await anAdmin(api.db),
  };
  const sides = { A: a.objects, B: b.objects };
  // The bookings' events fanned out to each side's webhook: deliveries to list (never sent: the URL is not a receiver).
  for (let tries = 0; tries < 300 && (await api.db.query<{ n: number }[]>("SELECT count(*)::int AS n FROM webhook_deliveries"))[0].n < 2; tries++) {
    if ((await api.app.dispatcher.fanOut()) === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Each side's settlement: a second booking's visit delivered, confirmed and put on a payment run.
  for (const [side, built] of [
    ["A", a],
    ["B", b],
  ] as const) {
    const made = await api.app.services.bookings.create(viewerFor(built.client)!, {
      listingId: built.objects.listing.id,
      budgetId: built.objects.budget.id,
      ...scheduleOf(new Date("2026-04-06T13:00:00Z"), null, 1),
      payeeRelationship: PayeeRelationship.NONE,
      idempotencyKey: `settled-${side}`,
    });
    if (!made.ok) throw new Error(JSON.stringify(made.errors));
    const accepted = await api.app.services.bookings.confirm(viewerFor(built.providerUser)!, {
      bookingId: made.value.id,
      note: "",
      idempotencyKey: `settled-accept-${side}`,
    });
    if (!accepted.ok) throw new Error(JSON.stringify(accepted.errors));
    const [visit]: { id: string }[] = await api.db.query("SELECT id FROM visits WHERE booking_id = $1", [made.value.id]);
    api.clock.set("2026-04-06T15:00:00Z");
    await deliver(api, built.providerUser, visit.id);
    const confirmed = await api.app.services.confirmations.confirm(viewerFor(built.client)!, { visitId: visit.id, idempotencyKey: `settled-confirm-${side}` });
    if (!confirmed.ok) throw new Error(JSON.stringify(confirmed.errors));
    const run = await api.app.services.paymentRuns.create(viewerFor(built.commissioner)!, {
      fundingBodyCode: built.objects.fundingBodyCode,
      upTo: "2026-04-06",
      idempotencyKey: `settled-run-${side}`,
    });
    if (!run.ok) throw new Error(JSON.stringify(run.errors));
    sides[side].paymentRunId = id("PaymentRun", run.value.id);
    api.clock.set("2026-03-01T10:00:00Z");
  }
  return { viewers, sides, privates: await privatesOf(api, viewers, sides) };
}

/**
 * Every private row, with who may see it: the client's side (their own user, their broker, their
 * funding body's commissioner, admins) and, where it works for them, the side's provider.
 */
const OWNED_THROUGH_CLIENT: { type: string; sql: string; provider: boolean }[] = [
  { type: "Client", sql: "SELECT id, id AS client_id FROM clients", provider: true },
  { type: "Budget", sql: "SELECT id, client_id FROM budgets", provider: false },
  { type: "LedgerEntry", sql: "SELECT e.id, b.client_id FROM ledger_entries e JOIN budgets b ON b.id = e.budget_id", provider: false },
  { type: "Booking", sql: "SELECT id, client_id FROM bookings", provider: true },
  { type: "Visit", sql: "SELECT v.id, b.client_id FROM visits v JOIN bookings b ON b.id = v.booking_id", provider: true },
  { type: "QuoteRequest", sql: "SELECT id, client_id FROM quote_requests", provider: true },
  { type: "Quote", sql: "SELECT q.id, r.client_id FROM quotes q JOIN quote_requests r ON r.id = q.request_id", provider: true },
  { type: "Package", sql: "SELECT id, client_id FROM packages", provider: false },
  { type: "PackageItem", sql: "SELECT i.id, k.client_id FROM package_items i JOIN packages k ON k.id = i.package_id", provider: false },
  { type: "GroupBooking", sql: "SELECT g.id, b.client_id FROM group_bookings g JOIN bookings b ON b.group_booking_id = g.id", provider: true },
];

/** Settlement's private rows: a funding body's payment runs; its statements (and their lines) also the provider's. */
const OWNED_THROUGH_FUNDING_BODY: { type: string; sql: string }[] = [
  { type: "PaymentRun", sql: "SELECT id, funding_body_code, NULL::uuid AS provider_id FROM payment_runs" },
  { type: "ProviderStatement", sql: "SELECT id, funding_body_code, provider_id FROM provider_statements" },
  { type: "StatementLine", sql: "SELECT l.id, s.funding_body_code, s.provider_id FROM statement_lines l JOIN provider_statements s ON s.id = l.statement_id" },
];

async function deliver(api: TestApi, provider: UserEntity, visitId: string) {
  const recorded = await api.app.services.visits.record(viewerFor(provider)!, {
    visitId,
    outcome: VisitOutcome.DELIVERED,
    startedAt: null,
    endedAt: null,
    units: null,
    note: "",
    idempotencyKey: `deliver-${visitId}`,
  });
  if (!recorded.ok) throw new Error(JSON.stringify(recorded.errors));
}

/** Both sides' first visits delivered (at 12:00 on their day), and with `answer` given by their client. */
const deliverVisits =
  (answer: "CONFIRMED" | "DISPUTED" | null = null) =>
  async (api: TestApi, w: World) => {
    await setBookings(BookingStatus.CONFIRMED)(api, w);
    api.clock.set("2026-04-06T12:00:00Z");
    for (const side of ["A", "B"] as const) {
      const provider = side === "A" ? w.viewers.providerX! : w.viewers.providerY!;
      await deliver(api, provider, uuid(w.sides[side].visitId));
      if (answer) {
        await api.db.query(
          "INSERT INTO visit_confirmations (visit_id, visit_starts_at, status, by_user_id, at, reason) SELECT id, starts_at, $2, NULL, now(), 'x' FROM visits WHERE id = $1",
          [uuid(w.sides[side].visitId), answer],
        );
      }
    }
  };

interface ClientRow {
  id: string;
  funding_body_code: string;
  broker_user_id: string | null;
}

async function privatesOf(api: TestApi, viewers: Record<ViewerName, UserEntity | null>, sides: Record<Side, SideObjects>): Promise<Private[]> {
  const rows: ClientRow[] = await api.db.query("SELECT id, funding_body_code, broker_user_id FROM clients");
  const clients = new Map(rows.map((c) => [c.id, c]));
  const sideOf = (fundingBodyCode: string): Side => (fundingBodyCode === MERTON ? "A" : "B");
  const byId = new Map<string, Private>();
  for (const { type, sql, provider } of OWNED_THROUGH_CLIENT) {
    for (const row of await api.db.query<{ id: string; client_id: string }[]>(sql)) {
      const client = clients.get(row.client_id)!;
      const side = sideOf(client.funding_body_code);
      const owners = VIEWERS.filter((v) => {
        const user = viewers[v];
        if (!user) return false;
        if (user.roles.includes(Role.ADMIN)) return true;
        if (user.roles.includes(Role.COMMISSIONER)) return user.fundingBodyCode === client.funding_body_code;
        if (user.roles.includes(Role.BROKER)) return user.id === client.broker_user_id;
        if (user.roles.includes(Role.CLIENT)) return user.clientId === client.id;
        return provider && user.providerId === sides[side].provider.id;
      });
      const key = id(type, row.id);
      const existing = byId.get(key);
      byId.set(key, { id: key, type, side, owners: new Set([...(existing?.owners ?? []), ...owners]) });
    }
  }
  for (const { type, sql } of OWNED_THROUGH_FUNDING_BODY) {
    for (const row of await api.db.query<{ id: string; funding_body_code: string; provider_id: string | null }[]>(sql)) {
      const side = sideOf(row.funding_body_code);
      const owners = VIEWERS.filter((v) => {
        const user = viewers[v];
        if (!user) return false;
        if (user.roles.includes(Role.ADMIN)) return true;
        if (user.roles.includes(Role.COMMISSIONER)) return user.fundingBodyCode === row.funding_body_code;
        return row.provider_id !== null && user.providerId === row.provider_id;
      });
      const key = id(type, row.id);
      byId.set(key, { id: key, type, side, owners: new Set(owners) });
    }
  }
  for (const side of ["A", "B"] as const) {
    const key = sides[side].webhookId;
    const owners = new Set<ViewerName>(["admin", side === "A" ? "providerX" : "providerY"]);
    byId.set(key, { id: key, type: "Webhook", side, owners });
    for (const row of await api.db.query<{ id: string }[]>("SELECT id FROM webhook_deliveries WHERE webhook_id = $1", [uuid(key)])) {
      byId.set(id("WebhookDelivery", row.id), { id: id("WebhookDelivery", row.id), type: "WebhookDelivery", side, owners });
    }
  }
  for (const side of ["A", "B"] as const) {
    const listing = sides[side].inactiveListing;
    const key = id("Listing", listing.id);
    byId.set(key, { id: key, type: "Listing", side, owners: new Set<ViewerName>(["admin", side === "A" ? "providerX" : "providerY"]) });
  }
  return [...byId.values()];
}

/** The private ids in a response that the viewer may not see. */
function leaks(w: World, viewer: ViewerName, response: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === "string") found.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(response);
  return w.privates.filter((p) => found.has(p.id) && !p.owners.has(viewer)).map((p) => `${p.type} of ${p.side}`);
}

// ---------------------------------------------------------------------------------------------
// Selections generated from the schema: every object's id and __typename, every nested object a few
// levels deep (each type once per path), three items of every nested list that takes `first`.

const MAX_DEPTH = 4;

function selectionOf(type: GraphQLOutputType, depth: number, seen: string[], inFragment = false): string {
  const named = getNamedType(type);
  if (isAbstractType(named)) {
    const fragments = SCHEMA.getPossibleTypes(named).map((t) => `... on ${t.name} ${selectionOf(t, depth, seen, true)}`);
    return `{ __typename ${fragments.join(" ")} }`;
  }
  if (!isObjectType(named)) return "";
  const fields = Object.values(named.getFields());
  // Ids show what came back; codes say why a mutation refused.
  const parts = ["__typename", ...fields.filter((f) => f.name === "id" || (f.name === "code" && named.name.endsWith("Error"))).map((f) => f.name)];
  if (depth < MAX_DEPTH) {
    for (const field of fields) {
      const target = getNamedType(field.type);
      if (!(isObjectType(target) || isAbstractType(target)) || seen.includes(target.name)) continue;
      if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      const args = field.args.some((a) => a.name === "first") ? "(first: 3)" : "";
      // The fragments of an interface may not share a field name with different types: alias by type.
      const alias = inFragment ? `${named.name}_${field.name}: ` : "";
      parts.push(`${alias}${field.name}${args} ${selectionOf(field.type, depth + 1, [...seen, target.name])}`);
    }
  }
  return `{ ${parts.join(" ")} }`;
}

/** The operation passing `given` of the field's arguments (the others keep their defaults). */
function operationFor(kind: "query" | "mutation", field: GraphQLField<unknown, unknown>, given: string[]): string {
  const args = field.args.filter((a) => given.includes(a.name));
  const declared = args.length ? `(${args.map((a) => `$${a.name}: ${String(a.type)}`).join(", ")})` : "";
  const passed = args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(", ")})` : "";
  return `${kind} ${declared} { result: ${field.name}${passed} ${selectionOf(field.type, 1, [getNamedType(field.type).name])} }`;
}

// ---------------------------------------------------------------------------------------------
// Id-valued slots: every argument, and every field of an input argument, whose type is ID or [ID],
// or whose name ends in Code(s), found by walking the schema.

interface Slot {
  path: string;
  list: boolean;
  required: boolean;
}

const isIdLike = (name: string, type: GraphQLType) => getNamedType(type).name === "ID" || /Codes?$|^code$/.test(name);

function slotsOf(args: readonly (GraphQLArgument | GraphQLInputField)[], prefix = "", seen: string[] = []): Slot[] {
  return args.flatMap((arg) => {
    const named = getNamedType(arg.type);
    const at = prefix + arg.name;
    if (isInputObjectType(named)) return seen.includes(named.name) ? [] : slotsOf(Object.values(named.getFields()), `${at}.`, [...seen, named.name]);
    if (!isIdLike(arg.name, arg.type)) return [];
    const unwrapped = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
    return [{ path: at, list: isListType(unwrapped), required: isNonNullType(arg.type) && arg.defaultValue === undefined }];
  });
}

// ---------------------------------------------------------------------------------------------
// Queries: each slot names the private type whose ids it takes ("Node": any), "FundingBody" for a
// funding body's private figures, or a public value given as-is to the queries that require it.

type QueryTarget = { private: string } | { public: (w: World) => unknown };
const anyNode: QueryTarget = { private: "Node" };
const owned = (type: string): QueryTarget => ({ private: type });
const open = (value: (w: World) => unknown): QueryTarget => ({ public: value });

interface QueryRule {
  slots: Record<string, QueryTarget>;
  /** Other required arguments. */
  args?: Record<string, unknown>;
}

const QUERIES: Record<string, QueryRule> = {
  booking: { slots: { id: owned("Booking") } },
  bookings: { slots: { "filter.clientId": owned("Client"), "filter.budgetId": owned("Budget") } },
  budget: { slots: { id: owned("Budget") } },
  client: { slots: { id: owned("Client") } },
  clients: { slots: {} },
  efficiencyReport: { slots: { fundingBodyCode: owned("FundingBody") }, args: { from: "2026-04-01", to: "2027-03-31" } },
  marketGaps: { slots: { fundingBodyCode: owned("FundingBody") }, args: { from: "2026-04-01", to: "2027-03-31" } },
  fundingBodies: { slots: {} },
  fundingBody: { slots: { code: open(() => MERTON) } },
  groupBooking: { slots: { id: owned("GroupBooking") } },
  listing: { slots: { id: owned("Listing") } },
  listings: { slots: { "filter.categoryCodes": open(() => ["PERSONAL_CARE"]), "filter.fundingBodyCode": open(() => MERTON) } },
  node: { slots: { id: anyNode } },
  nodes: { slots: { ids: anyNode } },
  package: { slots: { id: owned("Package") } },
  paymentRun: { slots: { id: owned("PaymentRun") } },
  paymentRuns: { slots: { "filter.fundingBodyCode": open(() => MERTON) } },
  statement: { slots: { id: owned("ProviderStatement") } },
  statements: { slots: { "filter.paymentRunId": owned("PaymentRun"), "filter.providerId": open((w) => id("Provider", w.sides.A.provider.id)) } },
  packages: { slots: { "filter.clientId": owned("Client") } },
  overdueReviews: { slots: { fundingBodyCode: owned("FundingBody") } },
  priceAlerts: { slots: { fundingBodyCode: owned("FundingBody") }, args: { from: "2026-03-01", to: "2026-03-31" } },
  priceDistribution: { slots: { fundingBodyCode: owned("FundingBody"), categoryCode: open(() => "PERSONAL_CARE") } },
  provider: { slots: { id: open((w) => id("Provider", w.sides.A.provider.id)) } },
  providers: { slots: { "filter.fundingBodyCode": open(() => MERTON) } },
  quoteRequest: { slots: { id: owned("QuoteRequest") } },
  quoteRequests: { slots: { "filter.clientId": owned("Client") } },
  referenceRates: { slots: { fundingBodyCode: open(() => MERTON), categoryCode: open(() => "PERSONAL_CARE") } },
  serviceCategories: { slots: {} },
  viewer: { slots: {} },
  webhookDeliveries: { slots: { webhookId: owned("Webhook") } },
  webhooks: { slots: {} },
};

/** Who may read a funding body's figures. */
const FIGURES: Record<Side, ViewerName[]> = { A: ["commissionerA", "admin"], B: ["commissionerB", "admin"] };

function setAt(target: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = dotted.split(".");
  if (rest.length === 0) return { ...target, [head]: value };
  const inner = (target[head] ?? {}) as Record<string, unknown>;
  return { ...target, [head]: setAt(inner, rest.join("."), value) };
}

/** Required arguments: the public slots' values and the rule's others. */
function baseVariables(w: World, rule: QueryRule, slots: Slot[]): Record<string, unknown> {
  let variables: Record<string, unknown> = { ...rule.args };
  for (const slot of slots) {
    const target = rule.slots[slot.path];
    if (slot.required && "public" in target) variables = setAt(variables, slot.path, target.public(w));
  }
  return variables;
}

interface Attempt {
  viewer: ViewerName;
  variables: Record<string, unknown>;
  /** For a funding body's figures: the side whose figures were asked for. */
  figuresOf?: Side;
}

/** One object per type, side and set of owners: the others would ask the same question again. */
function oneOfEachKind(objects: Private[]): Private[] {
  const kinds = new Map<string, Private>();
  for (const p of objects)
    kinds.set(`${p.type} ${p.side} ${[...p.owners].sort().join()}`, kinds.get(`${p.type} ${p.side} ${[...p.owners].sort().join()}`) ?? p);
  return [...kinds.values()];
}

/** The attempts on someone else's objects: per viewer, each foreign object of the slot's type. */
function attemptsFor(w: World, rule: QueryRule, slots: Slot[]): Attempt[] {
  const base = baseVariables(w, rule, slots);
  const attempts: Attempt[] = [];
  for (const viewer of VIEWERS) {
    if (slots.every((s) => !s.required)) attempts.push({ viewer, variables: base });
    for (const slot of slots) {
      const target = rule.slots[slot.path];
      if (!("private" in target)) continue;
      if (target.private === "FundingBody") {
        for (const side of ["A", "B"] as const) {
          if (!FIGURES[side].includes(viewer)) attempts.push({ viewer, variables: setAt(base, slot.path, w.sides[side].fundingBodyCode), figuresOf: side });
        }
        continue;
      }
      const foreign = w.privates.filter((p) => (target.private === "Node" || p.type === target.private) && !p.owners.has(viewer));
      if (slot.list)
        attempts.push({
          viewer,
          variables: setAt(
            base,
            slot.path,
            foreign.map((p) => p.id),
          ),
        });
      else oneOfEachKind(foreign).forEach((p) => attempts.push({ viewer, variables: setAt(base, slot.path, p.id) }));
    }
  }
  return attempts;
}

/** The same slots filled with side A's objects, as admin: the request must reach them. */
function controlsFor(w: World, rule: QueryRule, slots: Slot[]): Attempt[] {
  const base = baseVariables(w, rule, slots);
  return slots.flatMap((slot): Attempt[] => {
    const target = rule.slots[slot.path];
    if (!("private" in target)) return [];
    if (target.private === "FundingBody") return [{ viewer: "admin", variables: setAt(base, slot.path, w.sides.A.fundingBodyCode), figuresOf: "A" }];
    const mine = w.privates.filter((p) => p.side === "A" && (target.private === "Node" || p.type === target.private)).map((p) => p.id);
    return [{ viewer: "admin", variables: setAt(base, slot.path, slot.list ? mine : mine[0]) }];
  });
}

const codeOf = (response: Pick<GraphQLResponse, "errors">) => {
  const code = response.errors?.[0]?.extensions?.code;
  return typeof code === "string" ? code : "";
};

// ---------------------------------------------------------------------------------------------
// Mutations: the input acting on one side's objects, who may do it to side A's, and each id-valued
// slot: "owned" (swapped for the other side's in the mixed attempts) or "public".

interface MutationRule {
  input: (w: World, side: Side) => Record<string, unknown>;
  allowed: ViewerName[];
  slots: Record<string, "owned" | "public">;
  /** Refusals particular to this mutation, besides DENIED. */
  refusals?: string[];
  /** Puts both sides' objects in the state the mutation needs. */
  prepare?: (api: TestApi, w: World) => Promise<void>;
  at?: string;
}

const CLIENT_SIDE: ViewerName[] = ["clientA", "brokerA", "commissionerA", "admin"];
const ARRANGERS: ViewerName[] = ["brokerA", "commissionerA", "admin"];
const MANAGERS: ViewerName[] = ["commissionerA", "admin"];
const uuid = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1];
const s = (w: World, side: Side) => w.sides[side];
const setBookings = (status: BookingStatus) => async (api: TestApi, w: World) => {
  await api.db.query("UPDATE bookings SET status = $1 WHERE id = ANY($2)", [status, [uuid(w.sides.A.bookingId), uuid(w.sides.B.bookingId)]]);
};
/** The published rate card's lines for one funding body. */
const rateCard = (code: string) =>
  PUBLISHED_REFERENCE_RATES.split("\n")
    .filter((line, i) => i === 0 || line.startsWith(code))
    .join("\n");

const MUTATIONS: Record<string, MutationRule> = {
  createWebhook: {
    input: () => ({ url: "https://93.184.216.34/other", events: ["BOOKING_CONFIRMED"] }),
    allowed: ["providerX", "providerY", "brokerA", "brokerB", "commissionerA", "commissionerB", "admin"],
    slots: {},
  },
  deleteWebhook: {
    input: (w, side) => ({ webhookId: s(w, side).webhookId }),
    allowed: ["providerX", "admin"],
    slots: { webhookId: "owned" },
  },
  acceptQuote: {
    input: (w, side) => ({ quoteId: s(w, side).quoteId, budgetId: id("Budget", s(w, side).budget.id), idempotencyKey: "accept" }),
    allowed: ["clientA", "brokerA"],
    slots: { quoteId: "owned", budgetId: "owned" },
  },
  addPackageItem: {
    input: (w, side) => ({ packageId: s(w, side).packageId, listingId: id("Listing", s(w, side).listing.id), startsAt: "2026-04-09T09:00:00Z" }),
    allowed: ARRANGERS,
    slots: { packageId: "owned", listingId: "public" },
  },
  agreePackage: {
    input: (w, side) => ({ packageId: s(w, side).packageId, idempotencyKey: "agree" }),
    allowed: CLIENT_SIDE,
    slots: { packageId: "owned" },
    prepare: async (api) => {
      await api.db.query("UPDATE packages SET status = 'PROPOSED'");
    },
  },
  approveBooking: {
    input: (w, side) => ({ bookingId: s(w, side).bookingId, idempotencyKey: "approveBooking" }),
    allowed: MANAGERS,
    slots: { bookingId: "owned" },
    prepare: setBookings(BookingStatus.PENDING_APPROVAL),
  },
  assignBroker: {
    input: (w, side) => ({ clientId: id("Client", s(w, side).holder.id), brokerUserId: id("User", s(w, side).broker.id) }),
    allowed: MANAGERS,
    slots: { clientId: "owned", brokerUserId: "owned" },
  },
  cancelBooking: {
    input: (w, side) => ({ bookingId: s(w, side).bookingId, idempotencyKey: "cancelBooking" }),
    allowed: ["clientA", "brokerA", "providerX", "commissionerA", "admin"],
    slots: { bookingId: "owned" },
    prepare: setBookings(BookingStatus.CONFIRMED),
  },
  cancelPackage: {
    input: (w, side) => ({ packageId: s(w, side).packageId, idempotencyKey: "cancelPackage" }),
    allowed: CLIENT_SIDE,
    slots: { packageId: "owned" },
  },
  closeBudget: {
    input: (w, side) => ({ budgetId: id("Budget", s(w, side).budget.id), disposal: "RECLAIM", idempotencyKey: "closeBudget" }),
    allowed: MANAGERS,
    // nextBudgetId (CARRY_FORWARD) of someone else's: test/api/period-close.test.ts.
    slots: { budgetId: "owned", nextBudgetId: "owned" },
    prepare: async (api) => {
      await api.db.query("UPDATE visits SET status = 'CANCELLED'");
    },
    at: "2027-04-02T09:00:00Z",
  },
  confirmVisit: {
    input: (w, side) => ({ visitId: s(w, side).visitId, idempotencyKey: "confirmVisit" }),
    allowed: ["clientA", "brokerA"],
    slots: { visitId: "owned" },
    prepare: deliverVisits(),
    at: "2026-04-07T09:00:00Z",
  },
  correctVisit: {
    input: (w, side) => ({ visitId: s(w, side).visitId, units: 0.5, reason: "Overpaid", idempotencyKey: "correctVisit" }),
    allowed: MANAGERS,
    slots: { visitId: "owned" },
    prepare: deliverVisits("CONFIRMED"),
    at: "2026-04-07T09:00:00Z",
  },
  createPaymentRun: {
    input: (w, side) => ({ fundingBodyCode: s(w, side).fundingBodyCode, upTo: "2026-04-06", idempotencyKey: "createPaymentRun" }),
    allowed: MANAGERS,
    slots: { fundingBodyCode: "owned" },
    prepare: deliverVisits("CONFIRMED"),
    at: "2026-04-07T09:00:00Z",
  },
  disputeVisit: {
    input: (w, side) => ({ visitId: s(w, side).visitId, reason: "Late", idempotencyKey: "disputeVisit" }),
    allowed: ["clientA", "brokerA"],
    slots: { visitId: "owned" },
    prepare: deliverVisits(),
    at: "2026-04-07T09:00:00Z",
  },
  markPaymentRunPaid: {
    input: (w, side) => ({ paymentRunId: s(w, side).paymentRunId, paidOn: "2026-04-08", reference: "BACS 1", idempotencyKey: "markPaymentRunPaid" }),
    allowed: MANAGERS,
    slots: { paymentRunId: "owned" },
    at: "2026-04-08T09:00:00Z",
  },
  resolveVisitDispute: {
    input: (w, side) => ({ visitId: s(w, side).visitId, resolution: "UPHELD", units: 0.5, idempotencyKey: "resolveVisitDispute" }),
    allowed: MANAGERS,
    slots: { visitId: "owned" },
    prepare: deliverVisits("DISPUTED"),
    at: "2026-04-07T09:00:00Z",
  },
  confirmBooking: {
    input: (w, side) => ({ bookingId: s(w, side).bookingId, idempotencyKey: "confirmBooking" }),
    allowed: ["providerX"],
    slots: { bookingId: "owned" },
    prepare: setBookings(BookingStatus.REQUESTED),
  },
  createBooking: {
    input: (w, side) => ({
      listingId: id("Listing", s(w, side).listing.id),
      budgetId: id("Budget", s(w, side).budget.id),
      startsAt: "2026-04-13T09:00:00Z",
      idempotencyKey: "book",
    }),
    allowed: CLIENT_SIDE,
    slots: { listingId: "public", budgetId: "owned" },
  },
  createBudget: {
    input: (w, side) => ({
      clientId: id("Client", s(w, side).holder.id),
      kind: "PERSONAL_BUDGET",
      management: "DIRECT_PAYMENT",
      periodStart: "2026-04-01",
      periodEnd: "2027-03-31",
      allocatedPence: 100,
      coveredCategoryCodes: ["PA_SUPPORT"],
      idempotencyKey: "budget",
    }),
    allowed: MANAGERS,
    slots: { clientId: "owned", coveredCategoryCodes: "public" },
  },
  createClient: {
    input: (w, side) => ({
      displayName: "New",
      postcodeDistrict: AREAS[side].district,
      dateOfBirth: "1950-01-01",
      fundingBodyCode: s(w, side).fundingBodyCode,
    }),
    allowed: MANAGERS,
    slots: { fundingBodyCode: "owned", careHomeId: "public" },
  },
  createGroupBooking: {
    input: (w, side) => ({ ...groupInput(s(w, side).session, s(w, side).careHome, s(w, side).residents, "2026-04-14T14:00:00Z"), idempotencyKey: "group" }),
    allowed: ARRANGERS,
    slots: { careHomeId: "public", listingId: "public", "participants.budgetId": "owned" },
  },
  createListing: {
    input: (w, side) => ({
      providerId: id("Provider", s(w, side).provider.id),
      categoryCode: "DOMESTIC",
      title: "Cleaning",
      pricePence: 1800,
      unit: "HOUR",
      setting: "HOME",
    }),
    allowed: ["providerX", "admin"],
    slots: { providerId: "owned", categoryCode: "public" },
  },
  createPackage: {
    input: (w, side) => ({ clientId: id("Client", s(w, side).holder.id), budgetId: id("Budget", s(w, side).budget.id) }),
    allowed: ARRANGERS,
    slots: { clientId: "owned", budgetId: "owned" },
  },
  createUser: {
    input: (w, side) => ({
      displayName: "Relative",
      email: `relative-${side}@example.org`,
      roles: ["CLIENT"],
      clientId: id("Client", s(w, side).holder.id),
      fundingBodyCode: s(w, side).fundingBodyCode,
    }),
    allowed: MANAGERS,
    slots: { clientId: "owned", providerId: "owned", fundingBodyCode: "owned" },
  },
  declineBooking: {
    input: (w, side) => ({ bookingId: s(w, side).bookingId, idempotencyKey: "declineBooking" }),
    allowed: ["providerX"],
    slots: { bookingId: "owned" },
    prepare: setBookings(BookingStatus.REQUESTED),
  },
  declineQuote: { input: (w, side) => ({ quoteId: s(w, side).quoteId }), allowed: ["clientA", "brokerA"], slots: { quoteId: "owned" } },
  importCqcRegister: { input: () => ({ csv: CQC_REGISTER, dryRun: false }), allowed: ["admin"], slots: {} },
  importReferenceRates: { input: (w, side) => ({ csv: rateCard(s(w, side).fundingBodyCode) }), allowed: MANAGERS, slots: {} },
  logBrokerageTime: { input: (w, side) => ({ packageId: s(w, side).packageId, minutes: 30 }), allowed: ARRANGERS, slots: { packageId: "owned" } },
  planPackage: {
    input: (w, side) => ({
      clientId: id("Client", s(w, side).holder.id),
      budgetId: id("Budget", s(w, side).budget.id),
      needs: [{ categoryCode: "PERSONAL_CARE", unitsPerWeek: 3 }],
    }),
    allowed: CLIENT_SIDE,
    slots: { clientId: "owned", budgetId: "owned", "needs.categoryCode": "public" },
  },
  proposePackage: { input: (w, side) => ({ packageId: s(w, side).packageId }), allowed: ARRANGERS, slots: { packageId: "owned" } },
  recordVisit: {
    input: (w, side) => ({ visitId: s(w, side).visitId, outcome: "DELIVERED", idempotencyKey: "recordVisit" }),
    allowed: ["providerX"],
    slots: { visitId: "owned" },
    prepare: setBookings(BookingStatus.CONFIRMED),
    at: "2026-04-07T09:00:00Z",
  },
  registerProvider: {
    input: () => ({ name: "New provider", kind: "BUSINESS", serviceAreaCodes: [MERTON], postcodeDistricts: ["SW19"] }),
    // Only who works for no provider yet (a newcomer too); never a client, broker or commissioner (paid from budgets they spend or approve).
    allowed: ["admin", "newcomer"],
    slots: { serviceAreaCodes: "public" },
    refusals: ["ALREADY_PROVIDER_MEMBER"],
  },
  rejectBooking: {
    input: (w, side) => ({ bookingId: s(w, side).bookingId, idempotencyKey: "rejectBooking" }),
    allowed: MANAGERS,
    slots: { bookingId: "owned" },
    prepare: setBookings(BookingStatus.PENDING_APPROVAL),
  },
  removePackageItem: {
    input: (w, side) => ({ packageId: s(w, side).packageId, itemId: s(w, side).itemId }),
    allowed: ARRANGERS,
    slots: { packageId: "owned", itemId: "owned" },
  },
  requestQuote: {
    input: (w, side) => ({
      clientId: id("Client", s(w, side).holder.id),
      categoryCode: "PERSONAL_CARE",
      description: "x",
      unitsPerWeek: 1,
      startsOn: "2026-04-06",
      endsOn: "2026-04-30",
    }),
    allowed: ["clientA", "brokerA"],
    slots: { clientId: "owned", categoryCode: "public", providerIds: "public" },
  },
  setGainPolicy: { input: (w, side) => ({ budgetId: id("Budget", s(w, side).budget.id), mode: "RETURN" }), allowed: MANAGERS, slots: { budgetId: "owned" } },
  setListingActive: {
    input: (w, side) => ({ listingId: id("Listing", s(w, side).listing.id), active: false }),
    allowed: ["providerX", "admin"],
    slots: { listingId: "owned" },
  },
  setProviderVerified: {
    input: (w, side) => ({ providerId: id("Provider", s(w, side).provider.id), verified: false }),
    allowed: ["admin"],
    slots: { providerId: "owned" },
  },
  setReferenceRate: {
    input: (w, side) => ({
      fundingBodyCode: s(w, side).fundingBodyCode,
      categoryCode: "PERSONAL_CARE",
      unit: "HOUR",
      ratePence: 2500,
      validFrom: "2026-04-01",
      source: "test",
    }),
    allowed: MANAGERS,
    slots: { fundingBodyCode: "owned", categoryCode: "public" },
  },
  submitQuote: {
    input: (w, side) => ({
      requestId: s(w, side).requestId,
      listingId: id("Listing", s(w, side).listing.id),
      unitPricePence: 2100,
      startsAt: "2026-04-07T07:00:00Z",
      validUntil: "2026-03-20T00:00:00Z",
    }),
    allowed: ["providerX"],
    slots: { requestId: "owned", listingId: "owned" },
    prepare: async (api) => {
      await api.db.query("UPDATE quotes SET status = 'WITHDRAWN'");
    },
  },
  recordBudgetReview: {
    input: (w, side) => ({ budgetId: id("Budget", s(w, side).budget.id), reviewedOn: "2020-01-01", outcome: "CONTINUE", idempotencyKey: "review" }),
    allowed: MANAGERS,
    slots: { budgetId: "owned" },
  },
  topUpBudget: {
    input: (w, side) => ({ budgetId: id("Budget", s(w, side).budget.id), amountPence: 100, idempotencyKey: "top-up" }),
    allowed: MANAGERS,
    slots: { budgetId: "owned" },
  },
  updateFundingBodySettings: {
    input: (w, side) => ({ code: s(w, side).fundingBodyCode, brokerageFeePence: 500 }),
    allowed: MANAGERS,
    slots: { code: "owned" },
  },
  updateListing: {
    input: (w, side) => ({ listingId: id("Listing", s(w, side).listing.id), title: "Renamed" }),
    allowed: ["providerX", "admin"],
    slots: { listingId: "owned", categoryCode: "public" },
  },
  updateProvider: {
    input: (w, side) => ({ providerId: id("Provider", s(w, side).provider.id), name: "Renamed" }),
    allowed: ["providerX", "admin"],
    slots: { providerId: "owned", serviceAreaCodes: "public" },
  },
  verifyProvider: {
    input: (w, side) => ({ providerId: id("Provider", s(w, side).provider.id), checks: ["DBS", "IDENTITY"], note: "Checked" }),
    // Admins; a commissioner only the providers serving their funding body's area.
    allowed: ["commissionerA", "admin"],
    slots: { providerId: "owned" },
  },
  withdrawQuote: { input: (w, side) => ({ quoteId: s(w, side).quoteId }), allowed: ["providerX"], slots: { quoteId: "owned" } },
};

/** The value at a dotted path, through lists. */
function valueAt(value: unknown, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>(
      (v, key) => (Array.isArray(v) ? v.map((x) => (x as Record<string, unknown>)?.[key]) : (v as Record<string, unknown> | undefined)?.[key]),
      value,
    );
}

/** `input` with the value at `dotted` (through lists, element by element) taken from `other`. */
function swapAt(input: unknown, other: unknown, dotted: string): unknown {
  const [head, ...rest] = dotted.split(".");
  if (Array.isArray(input)) return input.map((x, i) => swapAt(x, Array.isArray(other) ? other[Math.min(i, other.length - 1)] : other, dotted));
  const mine = input as Record<string, unknown>;
  const theirs = other as Record<string, unknown>;
  return { ...mine, [head]: rest.length ? swapAt(mine[head], theirs[head], rest.join(".")) : theirs[head] };
}

/** A fingerprint of every table: equal before and after means nothing changed. */
async function snapshot(api: TestApi): Promise<Record<string, string>> {
  const tables: { tablename: string }[] = await api.db.query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1",
  );
  const sums = await Promise.all(
    tables.map(
      async ({ tablename }) =>
        [tablename, (await api.db.query(`SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS sum FROM "${tablename}" t`))[0].sum] as const,
    ),
  );
  return Object.fromEntries(sums);
}

interface PayloadShape {
  result?: { userErrors?: { code: string }[] } | null;
}

function outcomeOf(response: GraphQLResponse<PayloadShape>): string {
  if (response.errors?.length) return codeOf(response);
  const codes = response.data?.result?.userErrors?.map((e) => e.code) ?? [];
  return codes.length ? codes.join() : "ok";
}

// ---------------------------------------------------------------------------------------------

const queryType = SCHEMA.getQueryType()!;
const mutationType = SCHEMA.getMutationType()!;
const tally = { queries: 0, mutations: 0 };

describe("generated access matrix", () => {
  // The generated selections ask for everything at once: the query limits are not under test here.
  const api = useApi({ MAX_QUERY_ALIASES: "1000", MAX_QUERY_COST: "10000000", MAX_QUERY_DEPTH: "100" });

  afterAll(() => {
    console.log(`generated access matrix: ${tally.queries} query requests, ${tally.mutations} mutation requests`);
  });

  it("classifies every query, id-valued argument and mutation of the schema", () => {
    expect(Object.keys(QUERIES).sort()).toEqual(Object.keys(queryType.getFields()).sort());
    expect(Object.keys(MUTATIONS).sort()).toEqual(Object.keys(mutationType.getFields()).sort());
    for (const field of Object.values(queryType.getFields())) {
      expect({
        [field.name]: slotsOf(field.args)
          .map((s) => s.path)
          .sort(),
      }).toEqual({ [field.name]: Object.keys(QUERIES[field.name].slots).sort() });
    }
    for (const field of Object.values(mutationType.getFields())) {
      expect({
        [field.name]: slotsOf(field.args)
          .map((s) => s.path.replace(/^input\./, ""))
          .sort(),
      }).toEqual({ [field.name]: Object.keys(MUTATIONS[field.name].slots).sort() });
    }
  });

  it.each(Object.keys(QUERIES))("query %s shows nobody someone else's objects", async (name) => {
    const field = queryType.getFields()[name];
    const rule = QUERIES[name];
    const slots = slotsOf(field.args);
    const w = await buildWorld(api);
    const found: string[] = [];
    for (const attempt of attemptsFor(w, rule, slots)) {
      const response = await api.execute(operationFor("query", field, Object.keys(attempt.variables)), attempt.variables, { as: w.viewers[attempt.viewer] });
      tally.queries++;
      const leaked = leaks(w, attempt.viewer, response);
      // Refusals are fine; any other error would mean the attempt never reached the objects.
      if (response.errors?.length && !DENIED.includes(codeOf(response))) leaked.push(`error ${codeOf(response)}: ${response.errors[0].message}`);
      if (attempt.figuresOf && !response.errors?.length) leaked.push(`figures of ${attempt.figuresOf}`);
      if (leaked.length) found.push(`${attempt.viewer} ${JSON.stringify(attempt.variables)}: ${leaked.join(", ")}`);
    }
    expect(found).toEqual([]);
    // The attempts reach real objects: as admin, the same slots with side A's objects return them.
    for (const control of controlsFor(w, rule, slots)) {
      const response = await api.execute(operationFor("query", field, Object.keys(control.variables)), control.variables, { as: w.viewers.admin });
      expect(response.errors).toBeUndefined();
      if (!control.figuresOf) expect(w.privates.some((p) => p.side === "A" && JSON.stringify(response.data).includes(p.id))).toBe(true);
    }
  });

  it.each(Object.keys(MUTATIONS))("mutation %s refuses whoever may not act on someone else's object", async (name) => {
    const field = mutationType.getFields()[name];
    const rule = MUTATIONS[name];
    const mutation = operationFor("mutation", field, ["input"]);
    const w = await buildWorld(api);
    await rule.prepare?.(api, w);
    if (rule.at) api.clock.set(rule.at);
    const mine = rule.input(w, "A");
    const attempts: { viewer: ViewerName; input: unknown; label: string }[] = VIEWERS.filter((v) => !rule.allowed.includes(v)).map((viewer) => ({
      viewer,
      input: mine,
      label: "A's",
    }));
    // Each owned id swapped for side B's, as a viewer allowed on side A's (admins own everything).
    for (const [slot, kind] of Object.entries(rule.slots)) {
      const theirs = rule.input(w, OTHER.A);
      if (kind !== "owned" || valueAt(mine, slot) == null || JSON.stringify(valueAt(mine, slot)) === JSON.stringify(valueAt(theirs, slot))) continue;
      for (const viewer of rule.allowed.filter((v) => v !== "admin")) attempts.push({ viewer, input: swapAt(mine, theirs, slot), label: `B's ${slot}` });
    }
    const before = await snapshot(api);
    const wrong: string[] = [];
    for (const attempt of attempts) {
      const response = await api.execute<PayloadShape>(mutation, { input: attempt.input }, { as: w.viewers[attempt.viewer] });
      tally.mutations++;
      const outcome = outcomeOf(response);
      const leaked = leaks(w, attempt.viewer, response);
      if (!outcome.split(",").every((code) => DENIED.includes(code) || rule.refusals?.includes(code)) || leaked.length)
        wrong.push(`${attempt.viewer} on ${attempt.label}: ${outcome} ${leaked.join(", ")}`);
    }
    expect(wrong).toEqual([]);
    expect(await snapshot(api)).toEqual(before);
    // The input is a good one: the first viewer allowed gets it done.
    const control = await api.execute<PayloadShape>(mutation, { input: mine }, { as: w.viewers[rule.allowed[0]] });
    expect(outcomeOf(control)).toBe("ok");
  });
});
