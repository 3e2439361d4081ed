/** Listings: services offered at a price per unit, and the catalogue search. */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { ListingEntity } from "./listing.entity";
import { ListingCatalogueResolver, ListingFields, ListingMutations, ProviderListingsField } from "./listing.resolver";

export type { ListingView } from "./listing.models";
export { ListingOrder, ListingSetting } from "./listing.enums";
export { Listing } from "./listing.types";
export { ListingService, type ListingTerms } from "./listing.service";
export type { CreateListingCommand, ListingSearch, SetListingActiveCommand, UpdateListingCommand } from "./listing.commands";
export { createListingLoaders, type ListingLoaders } from "./listing.loaders";
export type { Context as ListingsContext, ListingsServices } from "./context";
/** The package planner's read: ListingService.candidatesFor(needs, area). */
export type { CandidateArea, CandidateNeed } from "./listing.commands";
export type { ListingCandidate } from "./listing.models";
/** Rule 11, setting matches where the client lives: the rule and its SQL. */
export { CARE_HOME_STAY_CATEGORIES, settingMatchesSql, settingRefusal, type Residence, type SettingTerms } from "./setting.rules";

export const listingsModule = {
  entities: [ListingEntity],
  resolvers: [ListingCatalogueResolver, ListingMutations, ListingFields, ProviderListingsField],
  nodes: {
    Listing: async (id, { viewer, services, loaders }) => {
      const listing = isUuid(id) ? await loaders.listingById.load(id) : null;
      return listing && services.listings.isVisibleTo(viewer, listing) ? listing : null;
    },
  } satisfies Record<string, NodeFetcher<Context>>,
};
