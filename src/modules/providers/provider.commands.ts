import type { CqcRating, ProviderKind } from "./provider.enums";

export interface RegisterProviderCommand {
  name: string;
  kind: ProviderKind;
  description: string;
  cqcLocationId: string | null;
  cqcRating: CqcRating | null;
  /** Codes of the funding bodies whose area it serves. */
  serviceAreaCodes: string[];
  /** Postcode districts covered, e.g. SW19. */
  postcodeDistricts: string[];
}

/** Fields left out (undefined) stay as they are; null clears a nullable field (and leaves the others). */
export interface UpdateProviderCommand {
  /** null: an id that names no provider (NOT_FOUND). */
  providerId: string | null;
  name?: string | null;
  kind?: ProviderKind | null;
  description?: string | null;
  cqcLocationId?: string | null;
  cqcRating?: CqcRating | null;
  serviceAreaCodes?: string[] | null;
  postcodeDistricts?: string[] | null;
}

export interface SetProviderVerifiedCommand {
  providerId: string | null;
  verified: boolean;
}

/** The providers directory's filter; every criterion optional. */
export interface ProviderSearch {
  kinds?: ProviderKind[] | null;
  /** Providers serving this funding body's area. */
  fundingBodyCode?: string | null;
  postcodeDistrict?: string | null;
  /** Rated this or better. */
  minCqcRating?: CqcRating | null;
  /** Words in the name. */
  text?: string | null;
  verified?: boolean | null;
}
