/** What other modules see of listings: read models, never the entity itself. */
import type { RateType, Unit, Weekday } from "../reference";
import type { ListingEntity } from "./listing.entity";

/** A listing as it is now, for display (ListingTerms is what booking and quoting read). */
export type ListingView = Readonly<ListingEntity>;

/** An active listing that could meet need `need` (ListingService.candidatesFor), with the funding body's rate per unit. */
export interface ListingCandidate {
  readonly need: number;
  readonly listingId: string;
  readonly providerId: string;
  readonly unit: Unit;
  readonly visitMinutes: number | null;
  readonly pricePence: number;
  /** Units a week the provider can supply; null: not stated. */
  readonly weeklyCapacityUnits: number | null;
  readonly rateType: RateType;
  /** When it is available: days, and hours of the day (HH:MM, London time; 24:00 for midnight). */
  readonly availableDays: readonly Weekday[];
  readonly availableFrom: string;
  readonly availableTo: string;
  /** The funding body's rate per unit on the day; null without one. */
  readonly referencePence: number | null;
}
