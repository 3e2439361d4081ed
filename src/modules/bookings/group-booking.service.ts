import type { DataSource, EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { insertRows, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import { apportion, costPence, formatPounds, MAX_PENCE } from "../../shared/money";
import type { Clock } from "../../shared/time";
import { isUnits, Quantity, unitsRule } from "../../shared/units";
import { ClientSetting, compareIds, type BudgetService, type ClientView } from "../budgets";
import { ListingSetting, type ListingService, type ListingTerms } from "../listings";
import { ProviderKind, type ProviderRecord, type ProviderService } from "../providers";
import { BookingEntity } from "./booking.entity";
import { GroupSplit, PayeeRelationship } from "./booking.enums";
import type { PreparedBooking } from "./booking-placement.service";
import type { BookingRequest, CreateGroupBookingCommand, GroupParticipantCommand } from "./booking.commands";
import type { BookingService } from "./booking.service";
import { GroupBookingEntity } from "./group-booking.entity";
import { groupSchedule, sessionColumns, type Schedule } from "./schedule.rules";

/** A participant as asked, keeping their place in the command so errors can name them. */
interface Participant extends GroupParticipantCommand {
  index: number;
}

/** The session being booked: each participant's booking is a share of it. */
interface Session {
  group: GroupBookingEntity;
  careHome: ProviderRecord;
  schedule: Schedule;
}

export class GroupBookingService {
  constructor(
    private readonly db: DataSource,
    private readonly budgets: BudgetService,
    private readonly bookings: BookingService,
    private readonly listings: ListingService,
    private readonly providers: ProviderService,
    private readonly clock: Clock,
  ) {}

  /**
   * One session at a care home for several residents: each participant's share of the price is a
   * booking of their own, committed from their own budget, all in one transaction or none.
   */
  async create(viewer: Viewer, command: CreateGroupBookingCommand): Promise<Result<GroupBookingEntity>> {
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "createGroupBooking", input: command },
        () => this.book(tx, viewer, command),
        (group) => group.id,
        (id) => tx.findOneBy(GroupBookingEntity, { id }),
      ),
    );
  }

  private async book(tx: EntityManager, viewer: Viewer, command: CreateGroupBookingCommand): Promise<Result<GroupBookingEntity>> {
    const checked = await this.checkSession(tx, command);
    if (!checked.ok) return checked;
    const { listing, careHome } = checked.value;
    const schedule = groupSchedule(command);
    const sessionPricePence = costPence(schedule.unitsPerVisit, listing.pricePence);
    if (sessionPricePence > MAX_PENCE) {
      return fail(
        UserErrorCode.INVALID_VALUE,
        `One session would cost ${formatPounds(sessionPricePence)}, more than any session may (${formatPounds(MAX_PENCE)}).`,
        ["unitsPerSession"],
      );
    }
    // Each participant's budget is locked as they are prepared, in id order (BudgetService.lock's
    // lock order), so two group sessions sharing residents cannot deadlock.
    const participants: Participant[] = command.participants
      .map((p, index) => ({ ...p, index }))
      .sort((a, b) => compareIds(a.budgetId ?? "", b.budgetId ?? ""));
    const shares = shareOut(sessionPricePence, command.split, participants);
    if (!shares.ok) return shares;

    const group: GroupBookingEntity = {
      id: newId(),
      listingId: listing.id,
      providerId: listing.providerId,
      careHomeId: careHome.id,
      ...sessionColumns(schedule),
      split: command.split,
      sessionPricePence,
      createdByUserId: viewer.userId,
      createdAt: this.clock.now(),
    };
    await insertRows(tx, GroupBookingEntity, [group]);
    const prepared = await this.prepareShares(tx, viewer, { group, careHome, schedule }, participants, shares.value);
    if (!prepared.ok) return prepared;
    for (const [i, one] of prepared.value.entries()) {
      const placed = await this.bookings.place(tx, viewer, one);
      if (!placed.ok) return refusedFor(participants[i], placed.errors, one.client.displayName);
    }
    return ok(group);
  }

  /** Each participant's booking of their share, prepared (their budget locked): residents of the care home, none twice. */
  private async prepareShares(
    tx: EntityManager,
    viewer: Viewer,
    session: Session,
    participants: Participant[],
    shares: number[],
  ): Promise<Result<PreparedBooking[]>> {
    const prepared: PreparedBooking[] = [];
    for (const [i, participant] of participants.entries()) {
      const one = await this.bookings.prepare(tx, viewer, shareRequest(session, participant, shares[i], i === 0));
      if (!one.ok) return refusedFor(participant, one.errors, (await this.budgets.findVisible(viewer, participant.budgetId, tx))?.client.displayName);
      const { client } = one.value;
      const refusal = joinRefusal(client, session.careHome, prepared);
      if (refusal) return refusedFor(participant, [{ code: refusal.code, message: refusal.message }], client.displayName);
      prepared.push(one.value);
    }
    return ok(prepared);
  }

  /** The listing is a group session offered in care homes, with room for everyone; the place is a care home. */
  private async checkSession(tx: EntityManager, command: CreateGroupBookingCommand): Promise<Result<{ listing: ListingTerms; careHome: ProviderRecord }>> {
    // Locked before the participants' budgets (the lock order above BudgetService.lock).
    if (command.listingId) await this.listings.lockForBooking(tx, [command.listingId]);
    const listing = command.listingId ? await this.listings.forBooking(tx, command.listingId) : null;
    if (!listing?.active) return notFound("The listing", ["listingId"]);
    if (listing.setting !== ListingSetting.CARE_HOME) {
      return fail(UserErrorCode.INVALID_VALUE, `"${listing.title}" is not delivered in care homes (setting ${listing.setting}): choose a CARE_HOME listing.`, [
        "listingId",
      ]);
    }
    if (command.participants.length > listing.groupCapacity) {
      return fail(
        UserErrorCode.INVALID_VALUE,
        `"${listing.title}" takes at most ${listing.groupCapacity} participant(s); ${command.participants.length} were named.`,
        ["participants"],
      );
    }
    if (!isUnits(Quantity.PER_VISIT, command.unitsPerSession)) {
      return fail(UserErrorCode.INVALID_VALUE, `A session's units are each visit's: ${unitsRule(Quantity.PER_VISIT)}`, ["unitsPerSession"]);
    }
    const careHome = command.careHomeId ? await this.providers.byId(tx, command.careHomeId) : null;
    if (!careHome) return notFound("The care home", ["careHomeId"]);
    if (careHome.kind !== ProviderKind.CARE_HOME) return fail(UserErrorCode.INVALID_VALUE, `${careHome.name} is not a care home.`, ["careHomeId"]);
    return ok({ listing, careHome });
  }

  /** A group session is visible to whoever may see one of its participants' bookings. */
  async findVisible(viewer: Viewer | null, id: string | null): Promise<GroupBookingEntity | null> {
    const group = viewer && id ? await this.db.manager.findOneBy(GroupBookingEntity, { id }) : null;
    if (!group) return null;
    const bookings = await this.db.manager.findBy(BookingEntity, { groupBookingId: group.id });
    const clients = await this.budgets.findClients(
      this.db.manager,
      bookings.map((b) => b.clientId),
    );
    const visible = bookings.some((b) =>
      this.bookings.isVisibleTo(
        viewer,
        b,
        clients.find((c) => c.id === b.clientId)!,
      ),
    );
    return visible ? group : null;
  }
}

/** Each participant's share of one session, in whole pence that add up to the price exactly. */
function shareOut(pricePence: number, split: GroupSplit, participants: Participant[]): Result<number[]> {
  if (split === GroupSplit.EQUAL)
    return ok(
      apportion(
        pricePence,
        participants.map(() => 1),
      ),
    );
  const missing = participants.find((p) => !p.units || !isUnits(Quantity.PER_VISIT, p.units));
  if (missing) {
    return fail(
      UserErrorCode.INVALID_VALUE,
      `Participant ${missing.index + 1}: a BY_UNITS split needs each participant's units. ${unitsRule(Quantity.PER_VISIT)}`,
      ["participants", missing.index, "units"],
    );
  }
  return ok(
    apportion(
      pricePence,
      participants.map((p) => Math.round(p.units! * 100)),
    ),
  );
}

/** One participant's booking of their share of the session; the first one's holds the provider's diary, the others share that slot. */
function shareRequest(session: Session, participant: Participant, sharePence: number, holdsTheSlot: boolean): BookingRequest {
  return {
    listingId: session.group.listingId,
    budgetId: participant.budgetId,
    ...session.schedule,
    payeeRelationship: PayeeRelationship.NONE,
    visitCostPence: sharePence,
    groupBookingId: session.group.id,
    groupSharePence: sharePence,
    sharesTheSlot: !holdsTheSlot,
  };
}

/** Why a client cannot join the session: not a resident of its care home (rule 11), or already in it; null if they can. */
function joinRefusal(client: ClientView, careHome: ProviderRecord, joined: PreparedBooking[]): UserErrorData | null {
  if (client.setting !== ClientSetting.CARE_HOME || client.careHomeId !== careHome.id) {
    return { code: UserErrorCode.SETTING_MISMATCH, message: `does not live at ${careHome.name}, where the session is: name its residents only.` };
  }
  return joined.some((p) => p.client.id === client.id) ? { code: UserErrorCode.INVALID_VALUE, message: "is already in this session." } : null;
}

/** A participant's refusal, named so the broker knows whose budget, plan or rules said no. */
function refusedFor<T>(participant: Participant, errors: UserErrorData[], name?: string): Result<T> {
  const who = name ? `Participant ${participant.index + 1} (${name})` : `Participant ${participant.index + 1}`;
  return failAll(errors.map((e) => ({ ...e, message: `${who}: ${e.message}`, field: ["participants", participant.index] })));
}
