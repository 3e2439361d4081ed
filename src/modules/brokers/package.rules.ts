/** Package rules. Pure: no I/O. */
import { Role, type Viewer } from "../../shared/auth";
import { addDays, londonDate } from "../../shared/time";
import { scheduleFields, visitStarts, type BookingRequest } from "../bookings";
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

/**
 * What an item costs a year (Package.annualCostPence): its visits in the 52 weeks from its first (a
 * year as care is costed: DOMAIN.md's worked example is 10 h/week for 52 weeks), to its own last day
 * or the recurrence's end if sooner, at the item's cost per visit. The item's
 * `costPence` is what it costs within the budget period (Package.periodCostPence), which for an item
 * starting mid-period is less than a year's.
 */
export function annualCostOf(item: { startsAt: Date; recurrence: string | null; endsOn: string | null; visitCount: number; costPence: number }): number {
  if (item.visitCount === 0) return 0;
  const yearEnd = addDays(londonDate(item.startsAt), 52 * 7 - 1);
  const lastDay = item.endsOn !== null && item.endsOn < yearEnd ? item.endsOn : yearEnd;
  const starts = visitStarts(item.startsAt, item.recurrence, lastDay);
  const visits = starts.ok ? starts.value.length : item.visitCount;
  // Every visit of an item costs the same (units × price), so the period's cost divides exactly.
  return (item.costPence / item.visitCount) * visits;
}
