/**
 * A small world for settlement tests: a Merton client with a budget, their broker, a personal
 * assistant, a commissioner; and the GraphQL calls of delivery and settlement.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { BudgetManagement } from "../../src/modules/budgets";
import type { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import type { ListingEntity } from "../../src/modules/listings/listing.entity";
import type { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, type GraphQLResponse, type TestApi } from "./api";
import { aBroker, aBudget, aClient, aCommissioner, aPersonalAssistant, aUser, MERTON } from "./factories";
import { Role } from "../../src/shared/auth";

export type Errors = { code: string; message: string; field?: string[] }[];

export interface World {
  commissioner: UserEntity;
  client: ClientEntity;
  holder: UserEntity;
  broker: UserEntity;
  budget: BudgetEntity;
  pa: { provider: ProviderEntity; listing: ListingEntity; user: UserEntity };
}

export async function aWorld(
  api: TestApi,
  options: { allocatedPence?: number; pricePence?: number; management?: BudgetManagement; name?: string } = {},
): Promise<World> {
  const commissioner = await aCommissioner(api.db);
  const client = await aClient(api.db, { displayName: options.name ?? "Margaret Hale" });
  const holder = await aUser(api.db, { roles: [Role.CLIENT], clientId: client.id });
  const broker = await aBroker(api.db, client);
  const budget = await aBudget(api.db, client, {
    allocatedPence: options.allocatedPence ?? 1_000_000,
    management: options.management ?? BudgetManagement.COUNCIL_MANAGED,
  });
  const pa = await aPersonalAssistant(api.db, options.pricePence ?? 1500);
  return { commissioner, client, holder, broker, budget, pa };
}

/** Another client of the same funding body, with their own budget, booking the same kind of support. */
export async function anotherClient(api: TestApi, name: string, management = BudgetManagement.COUNCIL_MANAGED) {
  const client = await aClient(api.db, { displayName: name });
  const holder = await aUser(api.db, { roles: [Role.CLIENT], clientId: client.id });
  const budget = await aBudget(api.db, client, { allocatedPence: 2_000_000, management });
  return { client, holder, budget };
}

const VISIT =
  "id status units costPence startedAt endedAt note bookedUnits confirmation { status at reason resolutionNote dueAt reversedUnits reversedPence by { id } } statement { id }";

export interface VisitData {
  id: string;
  status: string;
  units: number;
  costPence: number;
  startedAt: string | null;
  endedAt: string | null;
  note: string;
  bookedUnits: number | null;
  confirmation: {
    status: string;
    at: string | null;
    reason: string;
    resolutionNote: string;
    dueAt: string;
    reversedUnits: number;
    reversedPence: number;
    by: { id: string } | null;
  } | null;
  statement: { id: string } | null;
}

/** Books `count` weekly visits of `units` hours from `startsAt` (the clock set just before), confirmed by the provider; returns the visit ids. */
export async function book(api: TestApi, pa: World["pa"], as: UserEntity, budget: BudgetEntity, startsAt: string, count: number, units = 1): Promise<string[]> {
  const made = await api.data<{ createBooking: { booking: { id: string; visits: { nodes: { id: string }[] } } | null; userErrors: Errors } }>(
    "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id visits(first: 100) { nodes { id } } } userErrors { code message } } }",
    {
      input: {
        listingId: toGlobalId("Listing", pa.listing.id),
        budgetId: toGlobalId("Budget", budget.id),
        startsAt,
        recurrence: count > 1 ? `FREQ=WEEKLY;COUNT=${count}` : null,
        unitsPerVisit: units,
        idempotencyKey: aKey(),
      },
    },
    { as },
  );
  if (!made.createBooking.booking) throw new Error(JSON.stringify(made.createBooking.userErrors));
  const confirmed = await api.data<{ confirmBooking: { userErrors: Errors } }>(
    "mutation ($input: BookingDecisionInput!) { confirmBooking(input: $input) { userErrors { code } } }",
    { input: { bookingId: made.createBooking.booking.id, idempotencyKey: aKey() } },
    { as: pa.user },
  );
  expectNoErrors(confirmed.confirmBooking.userErrors);
  return made.createBooking.booking.visits.nodes.map((v) => v.id);
}

type Payload = { visit: VisitData | null; userErrors: Errors };

export function recordVisit(api: TestApi, as: UserEntity, visitId: string, input: Record<string, unknown> = {}): Promise<Payload> {
  return mutate(api, "recordVisit", "RecordVisitInput", "visit", VISIT, { visitId, outcome: "DELIVERED", idempotencyKey: aKey(), ...input }, as);
}

export function confirmVisit(api: TestApi, as: UserEntity, visitId: string, idempotencyKey = aKey()): Promise<Payload> {
  return mutate(api, "confirmVisit", "ConfirmVisitInput", "visit", VISIT, { visitId, idempotencyKey }, as);
}

export function disputeVisit(
  api: TestApi,
  as: UserEntity,
  visitId: string,
  reason = "The carer left after half an hour",
  idempotencyKey = aKey(),
): Promise<Payload> {
  return mutate(api, "disputeVisit", "DisputeVisitInput", "visit", VISIT, { visitId, reason, idempotencyKey }, as);
}

export function resolveDispute(api: TestApi, as: UserEntity, visitId: string, resolution: "UPHELD" | "REJECTED", units?: number): Promise<Payload> {
  return mutate(
    api,
    "resolveVisitDispute",
    "ResolveVisitDisputeInput",
    "visit",
    VISIT,
    { visitId, resolution, units, reason: "Checked the rota", idempotencyKey: aKey() },
    as,
  );
}

export function correctVisit(api: TestApi, as: UserEntity, visitId: string, units: number): Promise<Payload> {
  return mutate(api, "correctVisit", "CorrectVisitInput", "visit", VISIT, { visitId, units, reason: "Paid twice for one hour", idempotencyKey: aKey() }, as);
}

const RUN =
  "id upTo status totalPence fundingBodyPence statementCount lineCount paidOn reference statements(first: 10) { totalCount nodes { id status payableBy totalPence lineCount periodStart periodEnd holderInitials provider { id } lines(first: 20) { nodes { clientInitials deliveredOn units unitPricePence amountPence isCorrection visit { id } } } } }";

export interface RunData {
  id: string;
  upTo: string;
  status: string;
  totalPence: number;
  fundingBodyPence: number;
  statementCount: number;
  lineCount: number;
  paidOn: string | null;
  reference: string | null;
  statements: {
    totalCount: number;
    nodes: {
      id: string;
      status: string;
      payableBy: string;
      totalPence: number;
      lineCount: number;
      periodStart: string;
      periodEnd: string;
      holderInitials: string | null;
      provider: { id: string };
      lines: {
        nodes: {
          clientInitials: string;
          deliveredOn: string;
          units: number;
          unitPricePence: number;
          amountPence: number;
          isCorrection: boolean;
          visit: { id: string };
        }[];
      };
    }[];
  };
}

export async function createPaymentRun(
  api: TestApi,
  as: UserEntity,
  upTo: string,
  idempotencyKey = aKey(),
): Promise<{ paymentRun: RunData | null; userErrors: Errors }> {
  return mutate(api, "createPaymentRun", "CreatePaymentRunInput", "paymentRun", RUN, { fundingBodyCode: MERTON, upTo, idempotencyKey }, as);
}

export async function markPaid(
  api: TestApi,
  as: UserEntity,
  paymentRunId: string,
  paidOn: string,
): Promise<{ paymentRun: RunData | null; userErrors: Errors }> {
  return mutate(
    api,
    "markPaymentRunPaid",
    "MarkPaymentRunPaidInput",
    "paymentRun",
    RUN,
    { paymentRunId, paidOn, reference: `BACS-${paidOn}`, idempotencyKey: aKey() },
    as,
  );
}

async function mutate<T>(
  api: TestApi,
  name: string,
  inputType: string,
  field: string,
  selection: string,
  input: Record<string, unknown>,
  as: UserEntity,
): Promise<T> {
  const response: GraphQLResponse<Record<string, T>> = await api.execute(
    `mutation ($input: ${inputType}!) { ${name}(input: $input) { ${field} { ${selection} } userErrors { code message field } } }`,
    { input },
    { as },
  );
  if (response.errors?.length) throw new Error(`${name}: ${JSON.stringify(response.errors)}`);
  return response.data![name];
}

export function expectNoErrors(errors: Errors): void {
  if (errors.length) throw new Error(`unexpected userErrors: ${JSON.stringify(errors)}`);
}

export const BUDGET_MONEY =
  "allocatedPence committedPence spentPence availablePence settlement { awaitingConfirmationPence confirmedPence disputedPence reversedPence paidPence onStatementsPence }";

export async function budgetMoney(api: TestApi, as: UserEntity, budgetId: string) {
  const { budget } = await api.data<{
    budget: {
      allocatedPence: number;
      committedPence: number;
      spentPence: number;
      availablePence: number;
      settlement: {
        awaitingConfirmationPence: number;
        confirmedPence: number;
        disputedPence: number;
        reversedPence: number;
        paidPence: number;
        onStatementsPence: number;
      };
    };
  }>(`query ($id: ID!) { budget(id: $id) { ${BUDGET_MONEY} } }`, { id: toGlobalId("Budget", budgetId) }, { as });
  return budget;
}
