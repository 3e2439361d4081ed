import type { CqcRating, ProviderKind } from "../providers";
import type { RateType, Unit, Weekday } from "../reference";
import type { ListingSetting } from "./listing.enums";

/** When and how much a provider can supply. */
interface ListingAvailability {
  /** Units a week; null: not stated. */
  weeklyCapacityUnits?: number | null;
  availableDays?: Weekday[] | null;
  /** HH:MM, London time. */
  availableFrom?: string | null;
  availableTo?: string | null;
}

export interface CreateListingCommand extends ListingAvailability {
  /** undefined: the viewer's own provider; null: an id that names no provider (NOT_FOUND). */
  providerId?: string | null;
  categoryCode: string;
  title: string;
  description: string;
  unit: Unit;
  visitMinutes: number | null;
  rateType: RateType;
  pricePence: number;
  setting: ListingSetting;
  groupCapacity: number;
}

/** Fields left out (undefined) stay as they are. */
export interface UpdateListingCommand extends ListingAvailability {
  /** null: an id that names no listing (NOT_FOUND). */
  listingId: string | null;
  categoryCode?: string | null;
  title?: string | null;
  description?: string | null;
  unit?: Unit | null;
  /** null clears it (not allowed for VISIT). */
  visitMinutes?: number | null;
  rateType?: RateType | null;
  pricePence?: number | null;
  setting?: ListingSetting | null;
  groupCapacity?: number | null;
}

export interface SetListingActiveCommand {
  listingId: string | null;
  active: boolean;
}

/** The catalogue's filter; every criterion optional. */
export interface ListingSearch {
  categoryCodes?: string[] | null;
  /** Available in this funding body's area (remote listings everywhere). */
  fundingBodyCode?: string | null;
  /** Covering this postcode district (remote listings everywhere). */
  postcodeDistrict?: string | null;
  maxPricePence?: number | null;
  settings?: ListingSetting[] | null;
  providerKinds?: ProviderKind[] | null;
  minCqcRating?: CqcRating | null;
  /** Words in the title or description (web-search syntax). */
  text?: string | null;
}

/** What a need of a support plan asks of a listing (the package planner's candidates). */
export interface CandidateNeed {
  categoryCode: string;
  /** HOUR needs may also be met by VISIT listings of known length. */
  unit: Unit;
  /** The listing must be available on each of these days. */
  days?: Weekday[] | null;
  /** HH:MM, London time. */
  from?: string | null;
  /** HH:MM (24:00 for midnight). */
  to?: string | null;
  minCqcRating?: CqcRating | null;
}

/** Whom the candidates are for: the client's funding body (its area and rates), their postcode district, the day rates are read on. */
export interface CandidateArea {
  fundingBodyCode: string;
  postcodeDistrict: string;
  on: string;
  /** Where the client lives (rule 11): their care home, or null for their own home. */
  careHomeId: string | null;
}
