import { Arg, Args, Authorized, Ctx, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId, uuidOf } from "../../shared/ids";
import { PageArgs, type Connection } from "../../shared/pagination";
import { londonDate } from "../../shared/time";
import { Booking, scheduleOf, type BookingView } from "../bookings";
import { Client, type ClientView } from "../budgets";
import { Listing, type ListingView } from "../listings";
import { comparePrice, PriceComparison } from "../pricing";
import { Provider, type ProviderView } from "../providers";
import { ServiceCategory, type ServiceCategoryView } from "../reference";
import { QuoteEntity, QuoteRequestEntity } from "./quote.entity";
import { QuoteStatus } from "./quote.enums";
import { totalUnits } from "./quote.rules";
import type { AcceptQuoteCommand, QuoteDecisionCommand, QuoteRequestSearch, RequestQuoteCommand, SubmitQuoteCommand } from "./quote.commands";
import { AcceptQuoteInput, QuoteDecisionInput, QuoteRequestFilter, RequestQuoteInput, SubmitQuoteInput } from "./quote.inputs";
import {
  AcceptQuotePayload,
  DeclineQuotePayload,
  Quote,
  QuoteRequest,
  QuoteRequestConnection,
  RequestQuotePayload,
  SubmitQuotePayload,
  WithdrawQuotePayload,
} from "./quote.types";

@Authorized()
@Resolver()
export class QuoteQueries {
  @Query(() => QuoteRequest, { nullable: true })
  quoteRequest(@Arg("id", () => ID) id: string, @Ctx() { viewer, services }: Context): Promise<QuoteRequestEntity | null> {
    return services.quotes.findVisibleRequest(viewer, uuidOf(id, "QuoteRequest"));
  }

  @Query(() => QuoteRequestConnection, {
    description: "Requests you may see, newest first. A provider sees the open requests of its areas and categories, those naming it, and those it quoted on.",
  })
  quoteRequests(
    @Arg("filter", () => QuoteRequestFilter, { nullable: true }) filter: QuoteRequestFilter | null,
    @Args() page: PageArgs,
    @Ctx() { viewer, services }: Context,
  ): Promise<Connection<QuoteRequestEntity>> {
    return services.quotes.listRequests(signedIn(viewer), filter && searchOf(filter), page);
  }
}

@Authorized()
@Resolver()
export class QuoteMutations {
  @Authorized(Role.CLIENT, Role.BROKER)
  @Mutation(() => RequestQuotePayload, { description: "Asks providers for prices (a client, or their broker)." })
  async requestQuote(@Arg("input") input: RequestQuoteInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("quoteRequest", await services.quotes.request(signedIn(viewer), requestCommandOf(input)));
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => SubmitQuotePayload)
  async submitQuote(@Arg("input") input: SubmitQuoteInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("quote", await services.quotes.submit(signedIn(viewer), submitCommandOf(input)));
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => WithdrawQuotePayload)
  async withdrawQuote(@Arg("input") input: QuoteDecisionInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("quote", await services.quotes.withdraw(signedIn(viewer), decisionCommandOf(input)));
  }

  @Authorized(Role.CLIENT, Role.BROKER)
  @Mutation(() => DeclineQuotePayload)
  async declineQuote(@Arg("input") input: QuoteDecisionInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("quote", await services.quotes.decline(signedIn(viewer), decisionCommandOf(input)));
  }

  @Authorized(Role.CLIENT, Role.BROKER)
  @Mutation(() => AcceptQuotePayload, { description: "Books at the quoted price and commits the cost, in one step. Idempotent." })
  async acceptQuote(@Arg("input") input: AcceptQuoteInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("booking", await services.quotes.accept(signedIn(viewer), acceptCommandOf(input)));
  }
}

@Resolver(() => QuoteRequest)
export class QuoteRequestFields {
  @FieldResolver(() => ID)
  id(@Root() request: QuoteRequestEntity): string {
    return toGlobalId("QuoteRequest", request.id);
  }

  @FieldResolver(() => Client)
  client(@Root() request: QuoteRequestEntity, @Ctx() { loaders }: Context): Promise<ClientView | null> {
    return loaders.clientById.load(request.clientId);
  }

  @FieldResolver(() => ServiceCategory)
  category(@Root() request: QuoteRequestEntity, @Ctx() { loaders }: Context): Promise<ServiceCategoryView | null> {
    return loaders.categoryByCode.load(request.categoryCode);
  }

  @FieldResolver(() => [Quote], { description: "All quotes for the client's side; a provider sees its own." })
  async quotes(@Root() request: QuoteRequestEntity, @Ctx() { viewer, services, loaders }: Context): Promise<QuoteEntity[]> {
    const [quotes, client] = await Promise.all([loaders.quotesOfRequest.load(request.id), loaders.clientById.load(request.clientId)]);
    return client ? quotes.filter((q) => services.quotes.canSeeQuote(viewer, q, client)) : [];
  }
}

@Resolver(() => Quote)
export class QuoteFields {
  @FieldResolver(() => ID)
  id(@Root() quote: QuoteEntity): string {
    return toGlobalId("Quote", quote.id);
  }

  @FieldResolver(() => Float, {
    description: "Every unit quoted: unitsPerVisit × visitCount (totalPence is these units at unitPricePence, costed visit by visit).",
  })
  units(@Root() quote: QuoteEntity): number {
    return totalUnits(quote.unitsPerVisit, quote.visitCount);
  }

  @FieldResolver(() => QuoteStatus, { description: "EXPIRED once a submitted quote passes validUntil." })
  status(@Root() quote: QuoteEntity, @Ctx() { services }: Context): QuoteStatus {
    return services.quotes.statusOf(quote);
  }

  @FieldResolver(() => QuoteRequest)
  request(@Root() quote: QuoteEntity, @Ctx() { loaders }: Context): Promise<QuoteRequestEntity | null> {
    return loaders.quoteRequestById.load(quote.requestId);
  }

  @FieldResolver(() => Provider)
  provider(@Root() quote: QuoteEntity, @Ctx() { loaders }: Context): Promise<ProviderView | null> {
    return loaders.providerById.load(quote.providerId);
  }

  @FieldResolver(() => Listing)
  listing(@Root() quote: QuoteEntity, @Ctx() { loaders }: Context): Promise<ListingView | null> {
    return loaders.listingById.load(quote.listingId);
  }

  @FieldResolver(() => PriceComparison, { nullable: true, description: "The quoted price against the client's funding body's rate on the first visit's day." })
  async priceComparison(@Root() quote: QuoteEntity, @Ctx() { loaders }: Context) {
    const [listing, request] = await Promise.all([loaders.listingById.load(quote.listingId), loaders.quoteRequestById.load(quote.requestId)]);
    if (!listing || !request) return null;
    const key = {
      fundingBodyCode: request.fundingBodyCode,
      on: londonDate(quote.startsAt),
      categoryCode: listing.categoryCode,
      unit: listing.unit,
      visitMinutes: listing.visitMinutes,
      rateType: listing.rateType,
    };
    return comparePrice(loaders, key, quote.unitPricePence);
  }
}

@Resolver(() => Booking)
export class BookingQuoteField {
  @FieldResolver(() => Quote, { nullable: true, description: "The accepted quote this booking came from." })
  quote(@Root() booking: BookingView, @Ctx() { loaders }: Context): Promise<QuoteEntity | null> | null {
    return booking.quoteId ? loaders.quoteById.load(booking.quoteId) : null;
  }
}

function requestCommandOf(input: RequestQuoteInput): RequestQuoteCommand {
  return {
    clientId: uuidOf(input.clientId, "Client"),
    categoryCode: input.categoryCode,
    description: input.description,
    unitsPerWeek: input.unitsPerWeek,
    schedule: input.schedule,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    providerIds: input.providerIds.map((id) => uuidOf(id, "Provider")),
  };
}

function submitCommandOf(input: SubmitQuoteInput): SubmitQuoteCommand {
  return {
    requestId: uuidOf(input.requestId, "QuoteRequest"),
    listingId: uuidOf(input.listingId, "Listing"),
    unitPricePence: input.unitPricePence,
    ...scheduleOf(input.startsAt, input.recurrence, input.unitsPerVisit),
    validUntil: input.validUntil,
    note: input.note,
    payeeRelationship: input.payeeRelationship,
  };
}

function decisionCommandOf(input: QuoteDecisionInput): QuoteDecisionCommand {
  return { quoteId: uuidOf(input.quoteId, "Quote") };
}

function acceptCommandOf(input: AcceptQuoteInput): AcceptQuoteCommand {
  return {
    quoteId: uuidOf(input.quoteId, "Quote"),
    budgetId: uuidOf(input.budgetId, "Budget"),
    payeeRelationship: input.payeeRelationship,
    idempotencyKey: input.idempotencyKey,
  };
}

function searchOf(filter: QuoteRequestFilter): QuoteRequestSearch {
  return { statuses: filter.statuses, clientId: filter.clientId ? uuidOf(filter.clientId, "Client") : undefined };
}
