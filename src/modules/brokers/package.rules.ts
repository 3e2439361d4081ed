/** Package rules. Pure: no I/O. */
import { Role, type Viewer } from "../../shared/auth";
import { UserErrorCode, type UserErrorData } from "../../shared/errors";
import { scheduleFields, type BookingRequest } from "../bookings";
import { canManage, type ClientView } from "../budgets";
import { BrokerageMode } from "../reference";
import type { AddPackageItemCommand } from "./package.commands";

/** Arranging is for the client's broker and the funding body's commissioners (and admins); the client sees and agrees. */
export function canArrange(viewer: Viewer, client: ClientView): boolean {
  return canManage(viewer, client) || (viewer.roles.has(Role.BROKER) && client.brokerUserId === viewer.userId);
}

/** The brokerage a funding body pays for a package: a fixed fee, or an hourly rate for the broker's time. */
export function brokerageFee(terms: { brokerageMode: BrokerageMode; brokerageFeePence: number }, brokerageMinutes: number): number {
  if (terms.brokerageMode === BrokerageMode.PER_PACKAGE) return terms.brokerageFeePence;
  if (terms.brokerageMode === BrokerageMode.PER_HOUR) return Math.round((terms.brokerageFeePence * brokerageMinutes) / 60);
  return 0;
}

export function itemLabel(index: number, title: string | undefined): string {
  return `Item ${index + 1}${title ? ` (${title})` : ""}`;
}

/** The booking a package item makes (or is estimated as): its schedule and terms, on the package's budget. */
export function bookingRequestOf(item: Omit<AddPackageItemCommand, "packageId">, budgetId: string): BookingRequest {
  return { ...scheduleFields(item), listingId: item.listingId, budgetId, payeeRelationship: item.payeeRelationship, lastDay: item.endsOn ?? undefined };
}

/** An item would now book fewer visits than the package showed: refused (no silent truncation). */
export function fewerVisits(shown: number, now: number): UserErrorData {
  return {
    code: UserErrorCode.OUTSIDE_BUDGET_PERIOD,
    message: `The package showed ${shown} visit(s) for this item, but only ${now} can be booked now within the budget's period. Remove the item and add it again to see what it books.`,
  };
}
