/** What other modules see of listings: read models, never the entity itself. */
import type { ListingEntity } from "./listing.entity";

/** A listing as it is now, for display (ListingTerms is what booking and quoting read). */
export type ListingView = Readonly<ListingEntity>;
