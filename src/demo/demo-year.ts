/**
 * A finished year and the current one in progress, made by living through them: the demo clock is
 * set back to last April and moved forward as the services are called, exactly as users would have
 * called them, so the report, the statements and the ledgers are what the real paths produce.
 *
 * Last year: Carol (a direct payment whose savings are RETURNed) and Dev (council-managed, RETAIN,
 * who spent his saving on more hours, so it is absorbed) book Pat, a personal assistant below
 * Merton's rate. Visits are delivered and confirmed, one of Carol's is disputed and upheld in part,
 * a payment run pays them (and Carol's request for a night carer goes unanswered: a market gap), Carol's review in October continues her support, and at the year end Carol's surplus is reclaimed and Dev's carried
 * forward. This year: Carol's weekly visits so far, delivered and confirmed.
 */
import type { DataSource } from "typeorm";
import type { App } from "../app";
import { PayeeRelationship, VisitOutcome } from "../modules/bookings";
import { BudgetKind } from "../modules/reference";
import { BudgetManagement, GainMode, ReviewOutcome, SurplusDisposal, type BudgetView, type ClientView } from "../modules/budgets";
import type { ListingView } from "../modules/listings";
import { DisputeResolution } from "../modules/settlement";
import type { Viewer } from "../shared/auth";
import { addDays, londonDate, type MovableClock } from "../shared/time";
import { londonAt, succeeded } from "./steps";

type Services = App["services"];

const DAY = 86_400_000;

/** Who acts in the year: the commissioner, the broker, Carol as her own user, and Pat. */
export interface YearCast {
  commissioner: Viewer;
  broker: Viewer;
  carol: Viewer;
  pat: Viewer;
}

export interface YearHolder {
  client: ClientView;
  /** This year's budget (made before the story starts). */
  budget: BudgetView;
}

/** Carol's and Dev's last two years, and Carol's this year, on Pat's listing. */
export async function liveThroughTheYears(
  { db, services }: Pick<App, "db" | "services">,
  clock: MovableClock,
  cast: YearCast,
  holders: { carol: YearHolder; dev: YearHolder },
  listing: ListingView,
): Promise<void> {
  const thisYear = holders.carol.budget.periodStart;
  const lastYear = addDays(thisYear, -365).slice(0, 4) + "-04-01";
  const today = clock.now();
  const story = new Story(db, services, clock);
  try {
    clock.set(londonAt(lastYear, 8));
    const carols = await story.budget(cast.commissioner, holders.carol.client, lastYear, 1_016_600, BudgetManagement.DIRECT_PAYMENT, GainMode.RETURN);
    // Dev's assessed need: 2 hours a week for ten weeks at Merton's rate. He buys more hours with the saving.
    const devs = await story.budget(cast.commissioner, holders.dev.client, lastYear, 10 * 2 * 1955, BudgetManagement.COUNCIL_MANAGED, GainMode.RETAIN);
    // Carol asks for a sleep-in night carer for the summer; no provider in Merton offers one, and the request lapses unanswered (marketGaps).
    const nights = { clientId: holders.carol.client.id, categoryCode: "NIGHT_CARE", unitsPerWeek: 2, providerIds: [] };
    const wanted = { startsOn: addDays(lastYear, 60), endsOn: addDays(lastYear, 150), schedule: "Two nights a week, 22:00 to 07:00" };
    const description = "A sleep-in carer while my daughter is away";
    succeeded("Carol's request for night care", await services.quotes.request(cast.carol, { ...nights, ...wanted, description }));
    const carolsVisits = await story.book(cast.carol, cast.pat, listing, carols, firstDay(lastYear, 1, 9), 20);
    const devsVisits = await story.book(
      cast.broker,
      cast.pat,
      listing,
      devs,
      firstDay(lastYear, 2, 10),
      Math.floor(devs.allocatedPence / (2 * listing.pricePence)),
    );

    clock.set(londonAt(addDays(lastYear, 7 * 21), 12)); // after the last visit
    for (const visitId of [...carolsVisits, ...devsVisits]) await story.deliver(cast.pat, visitId);
    const [disputed, ...confirmed] = carolsVisits;
    for (const visitId of confirmed.slice(0, 10))
      succeeded("Carol's confirmation", await services.confirmations.confirm(cast.carol, { visitId, idempotencyKey: key(visitId, "confirm") }));
    succeeded(
      "Carol's dispute",
      await services.confirmations.dispute(cast.carol, {
        visitId: disputed,
        reason: "Pat left after an hour: she was called away",
        idempotencyKey: key(disputed, "dispute"),
      }),
    );
    const resolution = {
      visitId: disputed,
      resolution: DisputeResolution.UPHELD,
      units: 1,
      reason: "Pat agrees: one hour was not delivered",
      idempotencyKey: key(disputed, "resolve"),
    };
    succeeded("the dispute's resolution", await services.confirmations.resolve(cast.commissioner, resolution));
    clock.advance(15 * DAY); // the window passes: the job confirms what nobody answered
    await services.confirmations.confirmDue();

    const upTo = londonDate(clock.now());
    const run = succeeded(
      "the payment run",
      await services.paymentRuns.create(cast.commissioner, { fundingBodyCode: "E09000024", upTo, idempotencyKey: "demo-run" }),
    );
    const paid = { paymentRunId: run.id, paidOn: upTo, reference: "BACS MER-0917", idempotencyKey: "demo-run-paid" };
    succeeded("the payment run's payment", await services.paymentRuns.markPaid(cast.commissioner, paid));

    const reviewedOn = `${lastYear.slice(0, 4)}-10-01`;
    clock.set(londonAt(reviewedOn, 11));
    const review = { budgetId: carols.id, reviewedOn, outcome: ReviewOutcome.CONTINUE, nextReviewDueOn: null, idempotencyKey: key(carols.id, "review") };
    const notes = "Carol manages her direct payment well and Pat's mornings meet her needs: continue.";
    succeeded("Carol's review", await services.reviews.record(cast.commissioner, { ...review, notes }));

    clock.set(earlierOf(londonAt(thisYear, 9), today));
    await story.close(cast.commissioner, carols, SurplusDisposal.RECLAIM);
    await story.close(cast.commissioner, devs, SurplusDisposal.CARRY_FORWARD, holders.dev.budget.id);

    await story.soFarThisYear(cast, listing, holders.carol.budget, today);
  } finally {
    clock.reset();
  }
}

/** The service calls of the story. */
class Story {
  constructor(
    private readonly db: DataSource,
    private readonly services: Services,
    private readonly clock: MovableClock,
  ) {}

  async budget(
    commissioner: Viewer,
    client: ClientView,
    periodStart: string,
    allocatedPence: number,
    management: BudgetManagement,
    mode: GainMode,
  ): Promise<BudgetView> {
    const command = {
      clientId: client.id,
      kind: BudgetKind.PERSONAL_BUDGET,
      management,
      periodStart,
      periodEnd: `${Number(periodStart.slice(0, 4)) + 1}-03-31`,
      reviewDueOn: null,
      allocatedPence,
      coveredCategoryCodes: ["PA_SUPPORT"],
      idempotencyKey: key(client.id, periodStart),
    };
    const budget = succeeded(`${client.displayName}'s budget from ${periodStart}`, await this.services.budgets.create(commissioner, command));
    return succeeded("the gain policy", await this.services.budgets.setGainPolicy(commissioner, { budgetId: budget.id, mode, returnPercent: null }));
  }

  /** A weekly two-hour visit, booked by `as` and confirmed by Pat; the visits' ids in order. */
  async book(as: Viewer, pat: Viewer, listing: ListingView, budget: BudgetView, startsAt: Date, count: number): Promise<string[]> {
    const command = {
      listingId: listing.id,
      budgetId: budget.id,
      startsAt,
      recurrence: `FREQ=WEEKLY;COUNT=${count}`,
      unitsPerVisit: 2,
      payeeRelationship: PayeeRelationship.NONE,
      idempotencyKey: key(budget.id, startsAt.toISOString()),
    };
    const booking = succeeded("a booking", await this.services.bookings.create(as, command));
    const confirm = { bookingId: booking.id, note: "", idempotencyKey: key(booking.id, "confirm"), payeeRelationship: PayeeRelationship.NONE };
    succeeded("Pat's confirmation", await this.services.bookings.confirm(pat, confirm));
    const visits: { id: string }[] = await this.db.query("SELECT id FROM visits WHERE booking_id = $1 ORDER BY starts_at", [booking.id]);
    return visits.map((v) => v.id);
  }

  async close(commissioner: Viewer, budget: BudgetView, disposal: SurplusDisposal, nextBudgetId?: string): Promise<void> {
    const command = { budgetId: budget.id, disposal, nextBudgetId, amountPence: null, reason: "Year end", idempotencyKey: key(budget.id, "close") };
    succeeded(`closing the year of budget ${budget.id}`, await this.services.periodClose.close(commissioner, command));
  }

  async deliver(pat: Viewer, visitId: string): Promise<void> {
    const record = { visitId, outcome: VisitOutcome.DELIVERED, startedAt: null, endedAt: null, units: null, note: "", idempotencyKey: key(visitId, "record") };
    succeeded("a visit", await this.services.visits.record(pat, record));
  }

  /** Carol's Thursday afternoons since April, up to a fortnight ago, delivered; the job confirms them. */
  async soFarThisYear(cast: YearCast, listing: ListingView, budget: BudgetView, today: Date): Promise<void> {
    const first = firstDay(budget.periodStart, 4, 14);
    const weeks = Math.floor((today.getTime() - 15 * DAY - first.getTime()) / (7 * DAY));
    if (weeks < 1) return;
    this.clock.set(londonAt(budget.periodStart, 8));
    const visits = await this.book(cast.carol, cast.pat, listing, budget, first, weeks);
    this.clock.set(new Date(first.getTime() + weeks * 7 * DAY));
    for (const visitId of visits) await this.deliver(cast.pat, visitId);
    this.clock.set(today);
    await this.services.confirmations.confirmDue();
  }
}

/** The first given weekday (1 Monday … 7 Sunday) in the week after `day`, at `hour` London time. */
function firstDay(day: string, weekday: number, hour: number): Date {
  let date = addDays(day, 7);
  while (((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1 !== weekday) date = addDays(date, 1);
  return londonAt(date, hour);
}

function earlierOf(a: Date, b: Date): Date {
  return a < b ? a : b;
}

function key(...parts: string[]): string {
  return `demo-${parts.join("-")}`;
}
