import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GraphQLScalarType } from "graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId, uuidOf } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { Connection, PageArgs } from "../../shared/pagination";
import { Budget, canActFor, Client, LedgerEntry, type BudgetView, type ClientView, type LedgerEntryView } from "../budgets";
import { Listing, type ListingView } from "../listings";
import { ReferenceRate, savingPence, type ReferenceRateView } from "../pricing";
import { Provider, type ProviderView } from "../providers";
import type { BookingDecisionCommand, BookingSearch, CreateBookingCommand } from "./booking.commands";
import { BookingEntity } from "./booking.entity";
import { PayeeRelationship } from "./booking.enums";
import { BookingDecisionInput, BookingFilter, CreateBookingInput, RecordVisitInput } from "./booking.inputs";
import { visitCursor, type VisitTotals } from "./booking.loaders";
import { approvalExplanation } from "./booking.rules";
import {
  ApproveBookingPayload,
  Booking,
  BookingApproval,
  BookingConnection,
  CancelBookingPayload,
  ConfirmBookingPayload,
  CreateBookingPayload,
  DeclineBookingPayload,
  RecordVisitPayload,
  RejectBookingPayload,
  Visit,
  VisitConnection,
} from "./booking.types";
import { scheduleOf } from "./schedule.rules";
import { VisitEntity } from "./visit.entity";

@Authorized()
@Resolver()
export class BookingQueries {
  @Query(() => Booking, { nullable: true })
  async booking(@Arg("id", () => ID) id: string, @Ctx() { viewer, services }: Context): Promise<BookingEntity | null> {
    return (await services.bookings.findVisible(viewer, uuidOf(id, "Booking")))?.booking ?? null;
  }

  @Query(() => BookingConnection, {
    description: "Bookings you may see, newest first: your own, your clients', your provider's, or your funding body's.",
  })
  bookings(
    @Arg("filter", () => BookingFilter, { nullable: true }) filter: BookingFilter | null,
    @Args() page: PageArgs,
    @Ctx() { viewer, services }: Context,
  ): Promise<Connection<BookingEntity>> {
    return services.bookings.list(signedIn(viewer), searchOf(filter), page);
  }
}

@Authorized()
@Resolver()
export class BookingMutations {
  @Authorized(Role.CLIENT, Role.BROKER, Role.COMMISSIONER, Role.ADMIN)
  @Mutation(() => CreateBookingPayload, {
    description: "Books a listing and commits its whole cost, or refuses (INSUFFICIENT_BUDGET, SLOT_TAKEN…). Idempotent.",
  })
  async createBooking(@Arg("input") input: CreateBookingInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("booking", await services.bookings.create(signedIn(viewer), createBookingCommand(input)));
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => ConfirmBookingPayload, {
    description:
      "The provider accepts a REQUESTED booking and declares who its worker is to the client (payeeRelationship, reg. 3): CONFIRMED, or PENDING_APPROVAL when the council must first agree to a relative payee.",
  })
  async confirmBooking(@Arg("input") input: BookingDecisionInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("booking", await services.bookings.confirm(signedIn(viewer), decisionOf(input)));
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => DeclineBookingPayload, { description: "The provider turns down a REQUESTED booking; its commitment is released." })
  async declineBooking(@Arg("input") input: BookingDecisionInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("booking", await services.bookings.decline(signedIn(viewer), decisionOf(input)));
  }

  @Mutation(() => CancelBookingPayload, { description: "Cancels a booking; the visits not yet delivered are released." })
  async cancelBooking(@Arg("input") input: BookingDecisionInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("booking", await services.bookings.cancel(signedIn(viewer), decisionOf(input)));
  }

  @Authorized(Role.COMMISSIONER, Role.ADMIN)
  @Mutation(() => ApproveBookingPayload, { description: "Records that a PENDING_APPROVAL booking may go ahead." })
  async approveBooking(@Arg("input") input: BookingDecisionInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("booking", await services.bookings.approve(signedIn(viewer), decisionOf(input)));
  }

  @Authorized(Role.COMMISSIONER, Role.ADMIN)
  @Mutation(() => RejectBookingPayload, { description: "Refuses a PENDING_APPROVAL booking; its commitment is released." })
  async rejectBooking(@Arg("input") input: BookingDecisionInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("booking", await services.bookings.reject(signedIn(viewer), decisionOf(input)));
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => RecordVisitPayload, { description: "Records a visit of a confirmed booking as DELIVERED (spend) or MISSED (released)." })
  async recordVisit(@Arg("input") input: RecordVisitInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("visit", await services.visits.record(signedIn(viewer), { visitId: uuidOf(input.visitId, "Visit"), outcome: input.outcome }));
  }
}

function createBookingCommand(input: CreateBookingInput): CreateBookingCommand {
  return {
    listingId: uuidOf(input.listingId, "Listing"),
    budgetId: uuidOf(input.budgetId, "Budget"),
    ...scheduleOf(input.startsAt, input.recurrence, input.unitsPerVisit),
    payeeRelationship: input.payeeRelationship,
    idempotencyKey: input.idempotencyKey,
  };
}

function decisionOf(input: BookingDecisionInput): BookingDecisionCommand {
  const declared = input.payeeRelationship ? { payeeRelationship: input.payeeRelationship } : {};
  return { bookingId: uuidOf(input.bookingId, "Booking"), note: input.note, ...declared };
}

function searchOf(filter: BookingFilter | null): BookingSearch {
  return {
    statuses: filter?.statuses ?? undefined,
    clientId: filter?.clientId ? uuidOf(filter.clientId, "Client") : undefined,
    budgetId: filter?.budgetId ? uuidOf(filter.budgetId, "Budget") : undefined,
  };
}

@Resolver(() => Booking)
export class BookingFields {
  @FieldResolver(() => ID)
  id(@Root() booking: BookingEntity): string {
    return toGlobalId("Booking", booking.id);
  }

  @FieldResolver(() => Client)
  client(@Root() booking: BookingEntity, @Ctx() { loaders }: Context): Promise<ClientView | null> {
    return loaders.clientById.load(booking.clientId);
  }

  @FieldResolver(() => Budget, { nullable: true, description: "Null for the provider: budget figures are the client's business." })
  async budget(@Root() booking: BookingEntity, @Ctx() { viewer, loaders }: Context): Promise<BudgetView | null> {
    const client = await loaders.clientById.load(booking.clientId);
    return viewer && client && canActFor(viewer, client) ? loaders.budgetById.load(booking.budgetId) : null;
  }

  @FieldResolver(() => Listing)
  listing(@Root() booking: BookingEntity, @Ctx() { loaders }: Context): ListingView | null | Promise<ListingView | null> {
    return loaders.listingById.loadNow(booking.listingId);
  }

  @FieldResolver(() => Provider)
  provider(@Root() booking: BookingEntity, @Ctx() { loaders }: Context): ProviderView | null | Promise<ProviderView | null> {
    return loaders.providerById.loadNow(booking.providerId);
  }

  @FieldResolver(() => Boolean, { description: "The payee is a relative of the budget holder (reported apart)." })
  payeeIsRelative(@Root() booking: BookingEntity): boolean {
    return booking.payeeRelationship !== PayeeRelationship.NONE;
  }

  @FieldResolver(() => ReferenceRate, {
    nullable: true,
    description: "The rate the first visit is compared with (later visits may fall under later versions).",
  })
  async referenceRate(@Root() booking: BookingEntity, @Ctx() { loaders }: Context): Promise<ReferenceRateView | null> {
    const { firstReferenceRateId } = await loaders.visitTotalsOfBooking.load(booking.id);
    return firstReferenceRateId ? loaders.referenceRateById.load(firstReferenceRateId) : null;
  }

  @FieldResolver(() => VisitConnection, { description: "The visits in time order." })
  async visits(@Root() booking: BookingEntity, @Args() { first, after }: PageArgs, @Ctx() { loaders }: Context) {
    const rows = await loaders.visitsOfBooking(first, after ?? null).load(booking.id);
    return new Connection(rows, first, visitCursor, async () => (await loaders.visitTotalsOfBooking.load(booking.id)).visits);
  }

  @FieldResolver(() => BookingApproval)
  async approval(@Root() booking: BookingEntity, @Ctx() { loaders }: Context): Promise<BookingApproval> {
    const fundingBody = await loaders.fundingBodyByCode.load(booking.fundingBodyCode);
    return {
      required: booking.approvalReasons.length > 0,
      reasons: booking.approvalReasons,
      explanations: booking.approvalReasons.map((r) => approvalExplanation(r, fundingBody?.lifeImprovingApprovalThresholdPence ?? null)),
      decision: booking.approvalDecision,
      decidedAt: booking.approvalDecidedAt,
      note: booking.approvalNote,
    };
  }
}

/**
 * A booking's money: each field one total of its visits, summed once per page of bookings by the
 * visitTotalsOfBooking loader. Declared here once, as data, instead of one resolver each.
 */
const MONEY_FIELDS: [field: string, total: keyof VisitTotals, type: () => GraphQLScalarType | BooleanConstructor, description: string][] = [
  ["committedPence", "committedPence", () => Pence, "Held by the visits still scheduled: their cost and any earmarked saving."],
  ["spentPence", "spentPence", () => Pence, "Paid for delivered visits."],
  ["totalCostPence", "costPence", () => Pence, "Scheduled and delivered visits together: what the booking costs."],
  ["referenceCostPence", "referenceCostPence", () => Pence, "What the visits with a reference rate would cost at that rate."],
  ["savingPence", "savingPence", () => Pence, "referenceCostPence less their cost; negative: a premium over the rate."],
  ["earmarkedPence", "earmarkedPence", () => Pence, "Savings earmarked for the funder on visits still scheduled."],
  ["returnedPence", "returnedPence", () => Pence, "Savings handed back to the funder as visits were delivered."],
  ["visitsWithoutReference", "visitsWithoutReference", () => Int, "Visits with no reference rate that day: counted apart in reports."],
  ["belowMinimumPrice", "belowMinimumPrice", () => Boolean, "Priced below the minimum price on some visit's day: a sustainability risk."],
];

@Resolver(() => Booking)
export class BookingMoneyFields {}

for (const [field, total, type, description] of MONEY_FIELDS) {
  const resolve = async (booking: BookingEntity, { loaders }: Context) => (await loaders.visitTotalsOfBooking.load(booking.id))[total];
  const descriptor: PropertyDescriptor = { value: resolve, writable: true, configurable: true };
  Object.defineProperty(BookingMoneyFields.prototype, field, descriptor);
  FieldResolver(type, { description })(BookingMoneyFields.prototype, field, descriptor);
  Root()(BookingMoneyFields.prototype, field, 0);
  Ctx()(BookingMoneyFields.prototype, field, 1);
}

@Resolver(() => Visit)
export class VisitFields {
  @FieldResolver(() => ID)
  id(@Root() visit: VisitEntity): string {
    return toGlobalId("Visit", visit.id);
  }

  @FieldResolver(() => Booking)
  booking(@Root() visit: VisitEntity, @Ctx() { loaders }: Context): BookingEntity | null | Promise<BookingEntity | null> {
    return loaders.bookingById.loadNow(visit.bookingId);
  }

  @FieldResolver(() => ReferenceRate, {
    nullable: true,
    description: "The funding body's rate in force on the visit's day, frozen when booked and again when delivered (the rate then known).",
  })
  referenceRate(@Root() visit: VisitEntity, @Ctx() { loaders }: Context): Promise<ReferenceRateView | null> | null {
    return visit.referenceRateId ? loaders.referenceRateById.load(visit.referenceRateId) : null;
  }

  @FieldResolver(() => Pence, { nullable: true, description: "Null: no reference rate that day." })
  savingPence(@Root() visit: VisitEntity): number | null {
    return savingPence(visit.referenceCostPence, visit.costPence);
  }
}

@Resolver(() => LedgerEntry)
export class LedgerEntryBookingField {
  @FieldResolver(() => Booking, { nullable: true, description: "The booking the money moved for." })
  booking(@Root() entry: LedgerEntryView, @Ctx() { loaders }: Context): Promise<BookingEntity | null> | null {
    return entry.bookingId ? loaders.bookingById.load(entry.bookingId) : null;
  }
}
