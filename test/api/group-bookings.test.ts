import type { UserEntity } from "../../src/modules/auth/user.entity";
import { ClientSetting } from "../../src/modules/budgets";
import type { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import { ListingSetting } from "../../src/modules/listings";
import type { ListingEntity } from "../../src/modules/listings/listing.entity";
import { ProviderKind } from "../../src/modules/providers";
import type { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { Unit } from "../../src/modules/reference";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import {
  aBroker,
  aBudget,
  aClient,
  aClientUser,
  aCommissioner,
  aListing,
  aProvider,
  aProviderMember,
  aUser,
  ledgerMismatches,
  MERTON,
} from "../support/factories";
import { Role } from "../../src/shared/auth";

type Errors = { code: string; message: string; field: string[] | null }[];
type GroupData = {
  id: string;
  sessionPricePence: number;
  careHome: { id: string };
  participants: {
    sharePence: number;
    alonePence: number;
    savingPence: number;
    booking: { id: string; totalCostPence: number; budget: { committedPence: number } | null };
  }[];
};
const CREATE = `mutation ($input: CreateGroupBookingInput!) { createGroupBooking(input: $input) {
  groupBooking { id sessionPricePence careHome { id } participants { sharePence alonePence savingPence booking { id totalCostPence budget { committedPence } } } }
  userErrors { code message field } } }`;
type Answer = { data?: { createGroupBooking: { groupBooking: GroupData | null; userErrors: Errors } } | null; errors?: unknown[] };

describe("group sessions in care homes", () => {
  const api = useApi();
  let broker: UserEntity;
  let careHome: ProviderEntity;
  let therapist: ProviderEntity;
  let session: ListingEntity;
  let residents: { client: ClientEntity; budget: BudgetEntity }[];

  beforeEach(async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    broker = await aBroker(api.db);
    careHome = await aProvider(api.db, { kind: ProviderKind.CARE_HOME, name: "Elm House" });
    therapist = await aProvider(api.db, { kind: ProviderKind.BUSINESS, cqcLocationId: null, cqcRating: null });
    session = await aListing(api.db, therapist, {
      categoryCode: "THERAPY",
      title: "Chair exercise class",
      unit: Unit.SESSION,
      visitMinutes: 60,
      pricePence: 10_000,
      setting: ListingSetting.CARE_HOME,
      groupCapacity: 8,
    });
    residents = [];
    residents = await someResidents(7, 100_000);
  });

  async function someResidents(count: number, allocatedPence: number) {
    const made: { client: ClientEntity; budget: BudgetEntity }[] = [];
    for (let i = 0; i < count; i++) {
      const client = await aClient(api.db, {
        displayName: `Resident ${i + 1}`,
        setting: ClientSetting.CARE_HOME,
        careHomeId: careHome.id,
        brokerUserId: broker.id,
      });
      made.push({ client, budget: await aBudget(api.db, client, { allocatedPence }) });
    }
    return made;
  }

  const bookAlone = (budget: BudgetEntity, listing: ListingEntity, startsAt: string, idempotencyKey: string) =>
    api.execute(
      "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } userErrors { code } } }",
      { input: { listingId: toGlobalId("Listing", listing.id), budgetId: toGlobalId("Budget", budget.id), startsAt, idempotencyKey } },
      { as: broker },
    );
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  const book = (input: Record<string, unknown>, as: UserEntity = broker) =>
    api.execute(
      CREATE,
      {
        input: {
          listingId: toGlobalId("Listing", session.id),
          careHomeId: toGlobalId("Provider", careHome.id),
          startsAt: "2026-04-07T14:00:00Z",
          idempotencyKey: `g-${Math.random()}`,
          ...input,
        },
      },
      { as },
    ) as Promise<Answer>;
  const participants = (budgets: BudgetEntity[], units?: number[]) =>
    budgets.map((b, i) => ({ budgetId: toGlobalId("Budget", b.id), ...(units ? { units: units[i] } : {}) }));
  const committed = async () => (await api.db.query("SELECT committed_pence::int AS c FROM budgets ORDER BY id")).map((r: { c: number }) => r.c);

  it("6 residents sharing a 10,000p session EQUAL commit 1,667 ×4 and 1,666 ×2, each from their own budget", async () => {
    const six = residents.slice(0, 6).map((r) => r.budget);
    const answer = await book({ participants: participants(six) });
    expect(answer.errors).toBeUndefined();
    const { groupBooking, userErrors } = answer.data!.createGroupBooking;
    expect(userErrors).toEqual([]);
    expect(groupBooking!.sessionPricePence).toBe(10_000);
    expect(groupBooking!.careHome.id).toBe(toGlobalId("Provider", careHome.id));
    const shares = groupBooking!.participants
      .map((p) => p.sharePence)
      .sort()
      .reverse();
    expect(shares).toEqual([1667, 1667, 1667, 1667, 1666, 1666]);
    expect(groupBooking!.participants.every((p) => p.alonePence === 10_000 && p.savingPence === 10_000 - p.sharePence)).toBe(true);
    expect(groupBooking!.participants.every((p) => p.booking.totalCostPence === p.sharePence && p.booking.budget!.committedPence === p.sharePence)).toBe(true);
    expect((await committed()).sort()).toEqual([0, 1666, 1666, 1667, 1667, 1667, 1667]);
    expect(await api.db.query("SELECT count(*)::int AS n, sum(cost_pence)::int AS total FROM visits")).toEqual([{ n: 6, total: 10_000 }]);
  });

  it("a weekly session commits each share for every week, adding up to the price each week", async () => {
    const three = residents.slice(0, 3).map((r) => r.budget);
    const answer = await book({ participants: participants(three), recurrence: "FREQ=WEEKLY;COUNT=4" });
    expect(answer.data!.createGroupBooking.userErrors).toEqual([]);
    expect(await api.db.query("SELECT starts_at, sum(cost_pence)::int AS total FROM visits GROUP BY starts_at ORDER BY starts_at")).toHaveLength(4);
    expect(await api.db.query("SELECT DISTINCT sum(cost_pence) OVER (PARTITION BY starts_at)::int AS total FROM visits")).toEqual([{ total: 10_000 }]);
  });

  it("splits BY_UNITS in proportion, to the penny", async () => {
    const answer = await book({
      participants: participants(
        residents.slice(0, 3).map((r) => r.budget),
        [1, 1, 1.5],
      ),
      split: "BY_UNITS",
    });
    const shares = answer.data!.createGroupBooking.groupBooking!.participants.map((p) => p.sharePence).sort((a, b) => a - b);
    expect(shares).toEqual([2857, 2857, 4286]);
    const missing = await book({ participants: participants(residents.slice(0, 2).map((r) => r.budget)), split: "BY_UNITS" });
    expect(missing.data!.createGroupBooking.userErrors).toEqual([
      expect.objectContaining({ code: "INVALID_VALUE", field: ["input", "participants", "0", "units"] }),
    ]);
  });

  it.each([
    [
      "their budget cannot pay",
      "INSUFFICIENT_BUDGET",
      async (r: { budget: BudgetEntity }) => {
        // 99,000p of their 100,000p already committed elsewhere; a quarter share is 2,500p.
        const dear = await aListing(api.db, therapist, { categoryCode: "THERAPY", pricePence: 99_000, setting: ListingSetting.CARE_HOME });
        expect((await bookAlone(r.budget, dear, "2026-04-02T10:00:00Z", "dear")).errors).toBeUndefined();
      },
    ],
    [
      "their support plan does not cover it",
      "OUTSIDE_SUPPORT_PLAN",
      async (r: { budget: BudgetEntity }) => api.db.query("UPDATE budgets SET covered_categories = '{PERSONAL_CARE}' WHERE id = $1", [r.budget.id]),
    ],
    [
      "they do not live there",
      "SETTING_MISMATCH",
      async (r: { client: ClientEntity }) => api.db.query("UPDATE clients SET setting = 'OWN_HOME', care_home_id = NULL WHERE id = $1", [r.client.id]),
    ],
  ])("is refused, naming the participant, when %s; nobody's money moves", async (_why, code, spoil) => {
    await spoil(residents[2]);
    const before = await committed();
    const answer = await book({ participants: participants(residents.slice(0, 4).map((r) => r.budget)) });
    expect(answer.data!.createGroupBooking.userErrors).toEqual([
      expect.objectContaining({ code, field: ["input", "participants", "2"], message: expect.stringMatching(/^Participant 3 \(Resident 3\): /) }),
    ]);
    expect(await committed()).toEqual(before);
    expect(await api.db.query("SELECT count(*)::int AS n FROM group_bookings")).toEqual([{ n: 0 }]);
  });

  it("refuses a listing that is not a group session in care homes, too many participants, and a place that is not a care home", async () => {
    const atHome = await aListing(api.db, careHome, { setting: ListingSetting.HOME });
    const two = participants(residents.slice(0, 2).map((r) => r.budget));
    const codes = async (input: Record<string, unknown>) => (await book(input)).data!.createGroupBooking.userErrors.map((e) => [e.code, e.field]);
    expect(await codes({ participants: two, listingId: toGlobalId("Listing", atHome.id) })).toEqual([["INVALID_VALUE", ["input", "listingId"]]]);
    await api.db.query("UPDATE listings SET group_capacity = 2 WHERE id = $1", [session.id]);
    expect(await codes({ participants: participants(residents.slice(0, 3).map((r) => r.budget)) })).toEqual([["INVALID_VALUE", ["input", "participants"]]]);
    expect(await codes({ participants: two, careHomeId: toGlobalId("Provider", session.providerId) })).toEqual([["INVALID_VALUE", ["input", "careHomeId"]]]);
    expect(await codes({ participants: [two[0], two[0]] })).toEqual([["INVALID_VALUE", ["input", "participants", "1"]]]);
    const one = await book({ participants: [two[0]] });
    expect(one.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) })]);
  });

  it("is idempotent, and only for those who act for every resident", async () => {
    const two = participants(residents.slice(0, 2).map((r) => r.budget));
    const [first, second] = await Promise.all([book({ participants: two, idempotencyKey: "same" }), book({ participants: two, idempotencyKey: "same" })]);
    expect(second).toEqual(first);
    expect(await api.db.query("SELECT count(*)::int AS n FROM bookings")).toEqual([{ n: 2 }]);

    const otherBroker = await aBroker(api.db);
    const denied = await book({ participants: two }, otherBroker);
    expect(denied.data!.createGroupBooking.userErrors).toEqual([
      expect.objectContaining({ code: "NOT_FOUND", message: expect.stringMatching(/^Participant 1: /) }),
    ]);
    const { user: resident } = await aClientUser(api.db, residents[0].client);
    expect((await book({ participants: two }, resident)).errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "FORBIDDEN" }) }),
    ]);
  });

  it("shows a resident only their own share; the provider sees every share but no budget", async () => {
    const answer = await book({ participants: participants(residents.slice(0, 3).map((r) => r.budget)) });
    const id = answer.data!.createGroupBooking.groupBooking!.id;
    const QUERY =
      "query ($id: ID!) { groupBooking(id: $id) { participants { sharePence booking { client { id } budget { availablePence } groupBooking { id } } } } }";
    const { user: resident } = await aClientUser(api.db, residents[1].client);
    const mine = await api.data<{ groupBooking: { participants: { booking: { client: { id: string }; budget: unknown; groupBooking: { id: string } } }[] } }>(
      QUERY,
      { id },
      { as: resident },
    );
    expect(mine.groupBooking.participants).toHaveLength(1);
    expect(mine.groupBooking.participants[0].booking).toMatchObject({ client: { id: toGlobalId("Client", residents[1].client.id) }, groupBooking: { id } });

    const { user: provider } = await aProviderMember(api.db, { id: session.providerId } as ProviderEntity);
    const seen = await api.data<{ groupBooking: { participants: { booking: { budget: unknown } }[] } }>(QUERY, { id }, { as: provider });
    expect(seen.groupBooking.participants.map((p) => p.booking.budget)).toEqual([null, null, null]);
    const stranger = await aClientUser(api.db);
    expect(await api.data(QUERY, { id }, { as: stranger.user })).toEqual({ groupBooking: null });
  });

  it("group and individual bookings at once against shared budgets never overspend any budget", async () => {
    // Seven residents with room for 3 shares of 2,500p each: 30 group sessions of 4 and 30 single 2,500p bookings compete.
    const pool = await someResidents(7, 7_500);
    const solo = await aListing(api.db, therapist, { categoryCode: "THERAPY", pricePence: 2_500, setting: ListingSetting.CARE_HOME });
    const groups = Array.from({ length: 30 }, (_, i) => {
      const four = [0, 1, 2, 3].map((k) => pool[(i + k) % pool.length].budget);
      return book({ participants: participants(four), startsAt: new Date(Date.UTC(2026, 3, 1 + i, 14)).toISOString() });
    });
    const singles = Array.from({ length: 30 }, (_, i) =>
      bookAlone(pool[i % pool.length].budget, solo, new Date(Date.UTC(2026, 3, 1 + i, 10)).toISOString(), `s${i}`),
    );
    const groupAnswers = await Promise.all(groups);
    const singleAnswers = (await Promise.all(singles)) as {
      data?: { createBooking: { booking: { id: string } | null; userErrors: { code: string }[] } } | null;
      errors?: unknown[];
    }[];
    // Each answer is a booking made or a refusal for want of money, nothing else.
    const groupOutcomes = groupAnswers.map((a) =>
      a.errors ? "ERROR" : a.data!.createGroupBooking.groupBooking ? "MADE" : a.data!.createGroupBooking.userErrors.map((e) => e.code).join(),
    );
    const singleOutcomes = singleAnswers.map((a) =>
      a.errors ? "ERROR" : a.data!.createBooking.booking ? "MADE" : a.data!.createBooking.userErrors.map((e) => e.code).join(),
    );
    for (const outcome of [...groupOutcomes, ...singleOutcomes]) expect(["MADE", "INSUFFICIENT_BUDGET"]).toContain(outcome);
    // Every resident asks for at least 4 single shares against room for 3, so, whoever wins each
    // race, every budget ends exactly full: 7 × 3 shares, each a single booking or a group place.
    const budgets: { committed: number }[] = await api.db.query("SELECT committed_pence::int AS committed FROM budgets WHERE allocated_pence = 7500");
    expect(budgets).toEqual(Array(7).fill({ committed: 7_500 }));
    const madeGroups = groupOutcomes.filter((o) => o === "MADE").length;
    expect(4 * madeGroups + singleOutcomes.filter((o) => o === "MADE").length).toBe(21);
    // Every group session is whole: four shares adding up to the price, or nothing.
    expect(
      await api.db.query(
        "SELECT g.id FROM group_bookings g JOIN bookings b ON b.group_booking_id = g.id GROUP BY g.id HAVING count(*) <> 4 OR sum(b.group_share_pence) <> 10000",
      ),
    ).toEqual([]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM group_bookings")).toEqual([{ n: madeGroups }]);
  });
  it("the efficiency report counts the care-home pooling saving: per delivered share, the session's price less the share", async () => {
    const three = residents.slice(0, 3).map((r) => r.budget);
    const answer = await book({ participants: participants(three), recurrence: "FREQ=WEEKLY;COUNT=2" });
    expect(answer.data!.createGroupBooking.userErrors).toEqual([]);
    const member = await aUser(api.db, { roles: [Role.PROVIDER], providerId: therapist.id });
    for (const p of answer.data!.createGroupBooking.groupBooking!.participants) {
      await api.data(
        "mutation ($input: BookingDecisionInput!) { confirmBooking(input: $input) { userErrors { code } } }",
        { input: { bookingId: p.booking.id } },
        { as: member },
      );
    }
    const alone = await bookAlone(residents[3].budget, session, "2026-04-08T14:00:00Z", "alone-1");
    const aloneId = (alone.data as { createBooking: { booking: { id: string } } }).createBooking.booking.id;
    await api.data(
      "mutation ($input: BookingDecisionInput!) { confirmBooking(input: $input) { userErrors { code } } }",
      { input: { bookingId: aloneId } },
      { as: member },
    );
    api.clock.set("2026-04-20T10:00:00Z");
    const visits: { id: string }[] = await api.db.query("SELECT id FROM visits ORDER BY starts_at, id");
    expect(visits).toHaveLength(7);
    for (const v of visits) {
      const { recordVisit } = await api.data<{ recordVisit: { userErrors: unknown[] } }>(
        "mutation ($input: RecordVisitInput!) { recordVisit(input: $input) { userErrors { code message } } }",
        { input: { visitId: toGlobalId("Visit", v.id), outcome: "DELIVERED" } },
        { as: member },
      );
      expect(recordVisit.userErrors).toEqual([]);
    }
    const { efficiencyReport } = await api.data<{ efficiencyReport: { totals: { poolingSavingPence: number; visits: number } } }>(
      `{ efficiencyReport(fundingBodyCode: "${MERTON}", from: "2026-04-01", to: "2026-04-30") { totals { poolingSavingPence visits } } }`,
      {},
      { as: await aCommissioner(api.db) },
    );
    // Two sessions of three residents: each would pay 10,000p alone, together 10,000p: 20,000p saved a session. Alone saves nothing.
    expect(efficiencyReport.totals).toEqual({ poolingSavingPence: 2 * 20_000, visits: 7 });
  });
});
