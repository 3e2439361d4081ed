/** Checks on provider details. Pure: no I/O. */
import { Role, type Viewer } from "../../shared/auth";
import { UserErrorCode, type UserErrorData } from "../../shared/errors";
import { type CqcRating, ProviderKind } from "./provider.enums";

/** An outward postcode ("SW19", "CR4", "W1A"): the part before the space. */
const POSTCODE_DISTRICT = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;

/** CQC location IDs look like "1-101672419". */
const CQC_LOCATION_ID = /^1-[0-9]{6,12}$/;

export interface ProviderDetails {
  name: string;
  kind: ProviderKind;
  cqcLocationId: string | null;
  cqcRating: CqcRating | null;
  postcodeDistricts: string[];
}

export function normalisePostcodeDistrict(district: string): string {
  return district.trim().toUpperCase();
}

export function isPostcodeDistrict(district: string): boolean {
  return POSTCODE_DISTRICT.test(district);
}

/** A personal assistant is one person: their bookings must never overlap in time. */
export function isSinglePerson(kind: ProviderKind): boolean {
  return kind === ProviderKind.PERSONAL_ASSISTANT;
}

export function checkProviderDetails(details: ProviderDetails): UserErrorData[] {
  const errors: UserErrorData[] = [];
  if (details.name.trim().length === 0) {
    errors.push({ code: UserErrorCode.INVALID_VALUE, message: "Give the provider a name.", field: ["name"] });
  }
  if (details.cqcLocationId !== null && !CQC_LOCATION_ID.test(details.cqcLocationId)) {
    errors.push({
      code: UserErrorCode.INVALID_VALUE,
      message: "A CQC location ID looks like 1-101672419: copy it from the provider's page on cqc.org.uk.",
      field: ["cqcLocationId"],
    });
  }
  if (details.cqcRating !== null && details.cqcLocationId === null) {
    errors.push({
      code: UserErrorCode.INVALID_VALUE,
      message: "A CQC rating belongs to a CQC location: give cqcLocationId too.",
      field: ["cqcRating"],
    });
  }
  details.postcodeDistricts.forEach((district, index) => {
    if (!isPostcodeDistrict(district)) {
      errors.push({
        code: UserErrorCode.INVALID_VALUE,
        message: `"${district}" is not a postcode district: give the first half of a postcode, like SW19 or CR4.`,
        field: ["postcodeDistricts", index],
      });
    }
  });
  return errors;
}

/** Admins verify every provider; a commissioner, the providers serving their funding body's area. */
export function mayVerify(viewer: Viewer, provider: { serviceAreas: string[] }): boolean {
  if (viewer.roles.has(Role.ADMIN)) return true;
  return viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode !== null && provider.serviceAreas.includes(viewer.fundingBodyCode);
}

/**
 * May `viewer` see the listings of `provider`? Everyone, once it is verified; before, its own members
 * only. The TypeScript twin of the listings module's `listedSql` (one rule, two languages).
 */
export function showsListingsOf(viewer: Viewer | null, provider: { id: string; verified: boolean }): boolean {
  return provider.verified || (viewer !== null && viewer.providerId === provider.id);
}
