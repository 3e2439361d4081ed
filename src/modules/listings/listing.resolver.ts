import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { PUBLIC, Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { optionalUuidOf, toGlobalId, uuidOf } from "../../shared/ids";
import { selects } from "../../shared/selection";
import { Connection, PageArgs } from "../../shared/pagination";
import { londonDate, LocalDate } from "../../shared/time";
import { comparePrice, PriceComparison, type ComparisonKey } from "../pricing";
import { Provider, showsListingsOf, type ProviderView } from "../providers";
import { ServiceCategory, type ServiceCategoryView } from "../reference";
import type { CreateListingCommand, UpdateListingCommand } from "./listing.commands";
import { ListingEntity } from "./listing.entity";
import { ListingOrder } from "./listing.enums";
import { CreateListingInput, ListingFilter, SetListingActiveInput, UpdateListingInput } from "./listing.inputs";
import { providerListingCursor } from "./listing.loaders";
import { CreateListingPayload, Listing, ListingConnection, SetListingActivePayload, UpdateListingPayload } from "./listing.types";

@Authorized(PUBLIC)
@Resolver()
export class ListingCatalogueResolver {
  @Query(() => Listing, { nullable: true, description: "An active listing; inactive ones only for their own provider." })
  async listing(@Arg("id", () => ID) id: string, @Ctx() { viewer, services, loaders }: Context): Promise<ListingEntity | null> {
    const key = uuidOf(id, "Listing");
    const listing = key ? await loaders.listingById.load(key) : null;
    return listing && (await services.listings.isVisibleTo(viewer, listing, (id) => loaders.providerById.load(id))) ? listing : null;
  }

  @Query(() => ListingConnection, { description: "Search the catalogue of active listings." })
  async listings(
    @Arg("filter", () => ListingFilter, { nullable: true }) filter: ListingFilter | null,
    @Arg("orderBy", () => ListingOrder, { defaultValue: ListingOrder.PRICE_ASC }) orderBy: ListingOrder,
    @Args() page: PageArgs,
    @Ctx() { viewer, services, loaders }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<ListingEntity>> {
    const today = londonDate(services.clock.now());
    // Rates are read in the same statement, but only when the query compares prices.
    const comparing = selects(info, ["nodes", "priceComparison"], ["edges", "node", "priceComparison"]);
    const { listings, providers, rates } = await services.listings.search(filter, orderBy, page, today, comparing, viewer?.providerId ?? null);
    for (const provider of providers) loaders.providerById.prime(provider.id, provider);
    for (const [listing, rate] of rates ?? []) {
      const comparedIn = { fundingBodyCode: filter!.fundingBodyCode!, on: today };
      loaders.comparedIn.set(listing, comparedIn);
      loaders.ratesFor.prime(termsOf(listing, comparedIn), rate);
    }
    return listings;
  }
}

@Authorized(Role.PROVIDER, Role.ADMIN)
@Resolver()
export class ListingMutations {
  @Mutation(() => CreateListingPayload, { description: "Lists a service of the signed-in user's provider." })
  async createListing(@Arg("input") input: CreateListingInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("listing", await services.listings.create(signedIn(viewer), listingOf(input)));
  }

  @Mutation(() => UpdateListingPayload)
  async updateListing(@Arg("input") input: UpdateListingInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.listings.update(signedIn(viewer), changeOf(input));
    if (result.ok) loaders.listingById.clear(result.value.id).prime(result.value.id, result.value);
    return toInputPayload("listing", result);
  }

  @Mutation(() => SetListingActivePayload, { description: "Withdraws a listing from search, or puts it back." })
  async setListingActive(@Arg("input") input: SetListingActiveInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.listings.setActive(signedIn(viewer), { listingId: uuidOf(input.listingId, "Listing"), active: input.active });
    if (result.ok) loaders.listingById.clear(result.value.id).prime(result.value.id, result.value);
    return toInputPayload("listing", result);
  }
}

/** The command of an input: its own fields as they are, the global ids decoded. */
function listingOf({ providerId, visitMinutes, ...fields }: CreateListingInput): CreateListingCommand {
  return { ...fields, providerId: optionalUuidOf(providerId, "Provider"), visitMinutes: visitMinutes ?? null };
}

function changeOf({ listingId, ...change }: UpdateListingInput): UpdateListingCommand {
  return { ...change, listingId: uuidOf(listingId, "Listing") };
}

@Resolver(() => Listing)
export class ListingFields {
  @FieldResolver(() => ID)
  id(@Root() listing: ListingEntity): string {
    return toGlobalId("Listing", listing.id);
  }

  @FieldResolver(() => Provider)
  provider(@Root() listing: ListingEntity, @Ctx() { loaders }: Context): ProviderView | null | Promise<ProviderView | null> {
    return loaders.providerById.loadNow(listing.providerId);
  }

  @FieldResolver(() => ServiceCategory)
  category(@Root() listing: ListingEntity, @Ctx() { loaders }: Context): Promise<ServiceCategoryView | null> {
    return loaders.categoryByCode.load(listing.categoryCode);
  }

  @FieldResolver(() => PriceComparison, {
    nullable: true,
    description: "The price against a funding body's rate in force on a day (default: the search's funding body, today). Null without a rate.",
  })
  priceComparison(
    @Root() listing: ListingEntity,
    @Arg("fundingBodyCode", () => String, { nullable: true }) fundingBodyCode: string | null,
    @Arg("on", () => LocalDate, { nullable: true }) on: string | null,
    @Ctx() { services, loaders }: Context,
  ) {
    const searched = loaders.comparedIn.get(listing);
    const body = fundingBodyCode ?? searched?.fundingBodyCode;
    if (!body) return null;
    return comparePrice(loaders, termsOf(listing, { fundingBodyCode: body, on: on ?? searched?.on ?? londonDate(services.clock.now()) }), listing.pricePence);
  }
}

function termsOf(listing: ListingEntity, { fundingBodyCode, on }: { fundingBodyCode: string; on: string }): ComparisonKey {
  return { fundingBodyCode, on, categoryCode: listing.categoryCode, unit: listing.unit, visitMinutes: listing.visitMinutes, rateType: listing.rateType };
}

@ArgsType()
class ProviderListingsArgs extends PageArgs {
  @Field({ defaultValue: false, description: "Include withdrawn listings (the provider's own members only)." })
  includeInactive: boolean = false;
}

@Resolver(() => Provider)
export class ProviderListingsField {
  @FieldResolver(() => ListingConnection, { description: "The provider's listings, newest first." })
  async listings(
    @Root() provider: ProviderView,
    @Args() { first, after, includeInactive }: ProviderListingsArgs,
    @Ctx() { viewer, services, loaders }: Context,
  ) {
    const inactiveToo = includeInactive && viewer !== null && services.providers.canEdit(viewer, provider.id);
    // A provider not yet verified shows its listings to its own members (and admins) only.
    if (!inactiveToo && !showsListingsOf(viewer, provider) && !(viewer && services.providers.canEdit(viewer, provider.id))) {
      return new Connection<ListingEntity>([], first, providerListingCursor, () => Promise.resolve(0));
    }
    const rows = await loaders.listingsOfProvider({ first, after: after ?? null, includeInactive: inactiveToo }).load(provider.id);
    return new Connection(rows, first, providerListingCursor, () => loaders.listingCountOfProvider(inactiveToo).load(provider.id));
  }
}
