/**
 * A visit's reference as known when it is delivered (issue 10, item 6). A visit is priced against the
 * funding body's rate in force on its day when it is booked; a rate published later (a new April
 * rate, a rate for a time band that had none) applies to the visits delivered after it is
 * published. So at delivery the snapshot is read again for the visit's day and frozen on the visit;
 * once delivered it is never recomputed.
 *
 * The earmark (the saving the gain policy returns, committed at booking) follows the new saving
 * without ever making `available` negative (BudgetService.rearmark, ledger.rules earmarkChange):
 * a smaller earmark releases the difference (a RELEASE entry); a larger one commits the growth, but
 * never more than is available (a COMMITMENT entry): what cannot be committed has already paid for
 * other support, and stays with the budget as retained saving. The ledger only gains entries.
 */
import type { EntityManager } from "typeorm";
import { londonDate } from "../../shared/time";
import { earmarks, type BudgetService, type LockedBudget } from "../budgets";
import type { ListingService } from "../listings";
import { savingPence, type ReferenceRateService } from "../pricing";
import type { ReferenceService } from "../reference";
import type { BookingEntity } from "./booking.entity";
import { VisitEntity } from "./visit.entity";

export class DeliveryPricing {
  constructor(
    private readonly reference: ReferenceService,
    private readonly rates: ReferenceRateService,
    private readonly listings: ListingService,
    private readonly budgets: BudgetService,
  ) {}

  /**
   * Freezes the reference of `visit`, being delivered now, as known now, and moves its earmark with it.
   * Updates the visit's row and `visit` itself (its earmark is what the delivery returns); returns the
   * budget after the earmark's ledger entry. A reference unchanged since booking changes nothing.
   */
  async freeze(tx: EntityManager, budget: LockedBudget, booking: BookingEntity, visit: VisitEntity, actorUserId: string): Promise<LockedBudget> {
    const listing = await this.listings.forBooking(tx, booking.listingId);
    const fundingBody = await this.reference.findFundingBody(booking.fundingBodyCode, tx);
    if (!listing || !fundingBody) throw new Error(`booking ${booking.id}: listing or funding body missing`);
    const known = await this.rates.snapshotAtDelivery(tx, fundingBody, listing, {
      day: londonDate(visit.startsAt),
      units: visit.units,
      unitPricePence: booking.unitPricePence,
    });
    if (known.referenceRateId === visit.referenceRateId && known.referenceCostPence === visit.referenceCostPence) return budget;
    // The visit's own share of its new saving under the budget's policy, rounded half up.
    const [wantedPence] = earmarks([savingPence(known.referenceCostPence, visit.costPence)], budget.gainReturnPercent);
    const memo = `visit ${visit.startsAt.toISOString()}`;
    const moved = await this.budgets.rearmark(tx, budget, { bookingId: booking.id, bookedPence: visit.earmarkPence, wantedPence, memo }, actorUserId);
    await tx.update(VisitEntity, { id: visit.id }, { ...known, earmarkPence: moved.earmarkPence });
    Object.assign(visit, known, { earmarkPence: moved.earmarkPence });
    return moved.budget;
  }
}
