/**
 * reg. 8 under concurrency: two care-home stays for one client, booked at once from two of their
 * direct-payment budgets (so the budgets' locks do not order them), cannot together pass four weeks.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import { toGlobalId } from "../../src/shared/ids";
import { useApi, type GraphQLResponse } from "../support/api";
import { aBudget, aClientUser, aListing, aProvider, ledgerMismatches } from "../support/factories";
import { aConnection, eventually, waitersOn } from "../support/locks";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } userErrors { code } } }
`;
type Created = { createBooking: { booking: { status: string } | null; userErrors: { code: string }[] } };
type Answer = GraphQLResponse<Created>;

describe("care-home stays under concurrency (reg. 8)", () => {
  const api = useApi();
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  const outcome = (answer: Answer) =>
    answer.errors ? "ERROR" : (answer.data!.createBooking.booking?.status ?? answer.data!.createBooking.userErrors.map((e) => e.code).join());

  /** Two back-to-back three-week stays for the client, from two budgets: each alone would pass. */
  async function twoStays(user: UserEntity, client: ClientEntity, key: string) {
    const home = await aProvider(api.db, { kind: "CARE_HOME" as never });
    const place = await aListing(api.db, home, { categoryCode: "RESIDENTIAL_CARE", unit: "WEEK" as never, pricePence: 94_900, setting: "CARE_HOME" as never });
    const budgets = [await aBudget(api.db, client, { coveredCategories: ["RESIDENTIAL_CARE"], allocatedPence: 10_000_000 })];
    budgets.push(await aBudget(api.db, client, { coveredCategories: ["RESIDENTIAL_CARE"], allocatedPence: 10_000_000 }));
    const starts = ["2026-04-06T11:00:00Z", "2026-04-27T11:00:00Z"];
    return budgets.map(
      (budget, i) => () =>
        api.executeRetrying<Created>(
          CREATE,
          {
            input: {
              listingId: toGlobalId("Listing", place.id),
              budgetId: toGlobalId("Budget", budget.id),
              startsAt: starts[i],
              recurrence: "FREQ=WEEKLY;COUNT=3",
              unitsPerVisit: 1,
              idempotencyKey: `${key}-${i}`,
            },
          },
          { as: user },
        ),
    );
  }

  it("makes the two bookings take turns on the client's care-home lock: one passes, the other is refused", async () => {
    const { user, client } = await aClientUser(api.db);
    const [first, second] = await twoStays(user, client, "turns");
    const holder = await aConnection();
    const monitor = await aConnection();
    try {
      await holder.client.query("BEGIN");
      await holder.client.query("SELECT pg_advisory_xact_lock(hashtextextended('marketplace:care-home-stays:' || $1::text, 0))", [client.id]);
      const pending = [first(), second()];
      // Both got past their budgets' locks and wait on the client's: neither has read the other's stay.
      await eventually("both bookings to wait on the client's care-home lock", async () => ((await waitersOn(monitor, holder.pid)).length === 2 ? true : null));
      await holder.client.query("ROLLBACK");
      expect((await Promise.all(pending)).map(outcome).sort()).toEqual(["CARE_HOME_PLACEMENT_NOT_ALLOWED", "REQUESTED"]);
    } finally {
      await holder.client.query("ROLLBACK").catch(() => undefined);
      await holder.end();
      await monitor.end();
    }
  });

  it("lets no client through twice when ten clients each book two stays at once", async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, () => aClientUser(api.db)));
    const bookings = (await Promise.all(clients.map(({ user, client }, i) => twoStays(user, client, `c${i}`)))).flat();
    const answers = await Promise.all(bookings.map((book) => book()));
    for (let i = 0; i < answers.length; i += 2) {
      expect([outcome(answers[i]), outcome(answers[i + 1])].sort()).toEqual(["CARE_HOME_PLACEMENT_NOT_ALLOWED", "REQUESTED"]);
    }
  });
});
