/**
 * Setting matches where the client lives (DOMAIN.md rule 11), once for every path: booking (and so
 * quote acceptance, package agreement and group sessions), quote requests, package items, and the
 * planner's candidates (settingMatchesSql, the same rule in SQL).
 *
 * - HOME: in the client's own home, so only for a client who lives in their own home.
 * - CARE_HOME: in a care home, so only for a care-home resident; when the listing's provider is
 *   itself a care home, only for a resident of that home (a home's services are for its own
 *   residents). A visiting provider (a physiotherapist, an activities charity) with a CARE_HOME
 *   listing serves residents of whichever care home (group sessions then name the home, and each
 *   participant must live there: GroupBookingService).
 *   A care-home stay (CARE_HOME_STAY_CATEGORIES: a residential or nursing place, respite) is the
 *   exception: it is how someone comes to live there, so it is for whoever (a client at home buys
 *   a short stay: rule 7 limits its length).
 * - COMMUNITY and REMOTE: for whoever.
 */
import { ProviderKind } from "../providers";
import { ListingSetting } from "./listing.enums";

/** Categories whose CARE_HOME listings are a stay in the home, open to clients who live elsewhere. */
export const CARE_HOME_STAY_CATEGORIES: readonly string[] = ["RESIDENTIAL_CARE", "NURSING", "RESPITE"];

/** Where a client lives, as the rule reads it: the care home (a provider id), or null for their own home. */
export interface Residence {
  careHomeId: string | null;
}

/** What the rule reads of a listing and its provider. */
export interface SettingTerms {
  title: string;
  categoryCode: string;
  setting: ListingSetting;
  providerId: string;
  providerKind: ProviderKind;
}

/** Why the listing cannot be bought for a client living there, as a message that says what to do; null when it can. */
export function settingRefusal(listing: SettingTerms, residence: Residence): string | null {
  const lives = residence.careHomeId === null ? "in their own home" : "in a care home";
  switch (listing.setting) {
    case ListingSetting.HOME:
      return residence.careHomeId === null
        ? null
        : `"${listing.title}" is delivered in people's own homes and the client lives ${lives}: choose a listing delivered in care homes, in the community or remotely.`;
    case ListingSetting.CARE_HOME:
      if (CARE_HOME_STAY_CATEGORIES.includes(listing.categoryCode)) return null;
      if (residence.careHomeId === null) {
        return `"${listing.title}" is delivered in care homes and the client lives ${lives}: choose a listing delivered at home, in the community or remotely.`;
      }
      if (listing.providerKind === ProviderKind.CARE_HOME && listing.providerId !== residence.careHomeId) {
        return `"${listing.title}" is for the residents of the care home that offers it, and the client lives in another: choose a listing of their own care home, or of a provider visiting care homes.`;
      }
      return null;
    case ListingSetting.COMMUNITY:
    case ListingSetting.REMOTE:
      return null;
  }
}

/**
 * settingRefusal as an SQL condition (true when the listing may be bought): `l` a listings row,
 * `p` its provider, `careHome` an SQL expression of the client's care home id (uuid, NULL at home).
 */
export function settingMatchesSql(l: string, p: string, careHome: string): string {
  return `(${l}.setting IN ('COMMUNITY', 'REMOTE')
      OR (${l}.setting = 'HOME' AND ${careHome} IS NULL)
      OR (${l}.setting = 'CARE_HOME' AND ${l}.category_code IN (${CARE_HOME_STAY_CATEGORIES.map((c) => `'${c}'`).join(", ")}))
      OR (${l}.setting = 'CARE_HOME' AND ${careHome} IS NOT NULL AND (${p}.kind <> 'CARE_HOME' OR ${p}.id = ${careHome})))`;
}
