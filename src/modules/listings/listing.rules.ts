/** Checks on a listing's terms. Pure: no I/O. */
import { UserErrorCode, type UserErrorData } from "../../shared/errors";
import { isUnits, Quantity, unitsRule } from "../../shared/units";
import { Unit } from "../reference";
import { ListingSetting } from "./listing.enums";

/** £1,000,000 per unit: anything above is a typo, not a price. */
export const MAX_UNIT_PRICE_PENCE = 100_000_000;

/** The terms of a listing about to be saved. */
export interface DraftTerms {
  title: string;
  unit: Unit;
  visitMinutes: number | null;
  pricePence: number;
  setting: ListingSetting;
  groupCapacity: number;
  availableFrom: string;
  availableTo: string;
  weeklyCapacityUnits?: number | null;
}

export function checkListingTerms(terms: DraftTerms): UserErrorData[] {
  const errors: UserErrorData[] = [];
  const invalid = (field: string, message: string) => errors.push({ code: UserErrorCode.INVALID_VALUE, message, field: [field] });
  if (terms.title.trim().length === 0) invalid("title", "Give the listing a title.");
  if (!Number.isInteger(terms.pricePence) || terms.pricePence < 1 || terms.pricePence > MAX_UNIT_PRICE_PENCE) {
    invalid("pricePence", "The price is a whole number of pence per unit, from 1 to 100000000 (£1,000,000).");
  }
  if (terms.unit === Unit.VISIT && terms.visitMinutes === null) {
    invalid("visitMinutes", "A VISIT price needs the visit's length in minutes (e.g. 30 or 45): reference rates differ by length.");
  }
  if (terms.visitMinutes !== null && (terms.visitMinutes < 5 || terms.visitMinutes > 1440)) {
    invalid("visitMinutes", "A visit lasts from 5 to 1440 minutes.");
  }
  if (terms.groupCapacity < 1 || terms.groupCapacity > 100) invalid("groupCapacity", "Group capacity is from 1 to 100 people.");
  if (terms.groupCapacity > 1 && terms.setting === ListingSetting.HOME) {
    invalid("groupCapacity", "A group session happens in a care home or the community, not in someone's own home: set the setting.");
  }
  if (terms.availableFrom >= terms.availableTo) invalid("availableTo", "The listing's hours end before they start.");
  if (terms.weeklyCapacityUnits != null && !isUnits(Quantity.WEEKLY_CAPACITY, terms.weeklyCapacityUnits)) {
    invalid("weeklyCapacityUnits", unitsRule(Quantity.WEEKLY_CAPACITY));
  }
  return errors;
}

/**
 * Health and Social Care Act 2008: a regulated activity needs a provider registered with the CQC:
 * its CQC location active (registered, not dormant) in the register imported (`registered`).
 */
export function checkRegulation(
  category: { regulated: boolean; name: string },
  provider: { cqcLocationId: string | null },
  registered: boolean,
): UserErrorData[] {
  if (!category.regulated || (provider.cqcLocationId && registered)) return [];
  if (provider.cqcLocationId) {
    return [
      {
        code: UserErrorCode.CQC_REGISTRATION_REQUIRED,
        message: `${category.name} is regulated by the Care Quality Commission, and CQC location ${provider.cqcLocationId} is not active in the CQC register: check the location ID (updateProvider), or ask an administrator to import the current register.`,
        field: ["categoryCode"],
      },
    ];
  }
  return [
    {
      code: UserErrorCode.CQC_REGISTRATION_REQUIRED,
      message: `${category.name} is regulated by the Care Quality Commission: add the provider's CQC location ID (updateProvider) first.`,
      field: ["categoryCode"],
    },
  ];
}
