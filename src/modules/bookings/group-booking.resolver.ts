import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId, uuidOf } from "../../shared/ids";
import { Listing, type ListingView } from "../listings";
import { savingPence } from "../pricing";
import { Provider, type ProviderView } from "../providers";
import type { CreateGroupBookingCommand } from "./booking.commands";
import type { BookingEntity } from "./booking.entity";
import { Booking } from "./booking.types";
import type { GroupBookingEntity } from "./group-booking.entity";
import { CreateGroupBookingInput } from "./group-booking.inputs";
import { CreateGroupBookingPayload, GroupBooking, GroupParticipant } from "./group-booking.types";
import { scheduleOf } from "./schedule.rules";

@Authorized()
@Resolver()
export class GroupBookingQueries {
  @Query(() => GroupBooking, { nullable: true })
  groupBooking(@Arg("id", () => ID) id: string, @Ctx() { viewer, services }: Context): Promise<GroupBookingEntity | null> {
    return services.groupBookings.findVisible(viewer, uuidOf(id, "GroupBooking"));
  }
}

@Authorized(Role.BROKER, Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class GroupBookingMutations {
  @Mutation(() => CreateGroupBookingPayload, {
    description: "Books one session at a care home for several residents, each share committed from their own budget: all or none. Idempotent.",
  })
  async createGroupBooking(@Arg("input") input: CreateGroupBookingInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("groupBooking", await services.groupBookings.create(signedIn(viewer), groupCommandOf(input)));
  }
}

function groupCommandOf(input: CreateGroupBookingInput): CreateGroupBookingCommand {
  const { recurrence } = scheduleOf(input.startsAt, input.recurrence, input.unitsPerSession);
  return {
    listingId: uuidOf(input.listingId, "Listing"),
    careHomeId: uuidOf(input.careHomeId, "Provider"),
    startsAt: input.startsAt,
    recurrence,
    unitsPerSession: input.unitsPerSession,
    participants: input.participants.map((p) => ({ budgetId: uuidOf(p.budgetId, "Budget"), units: p.units ?? null })),
    split: input.split,
    idempotencyKey: input.idempotencyKey,
  };
}

@Resolver(() => GroupBooking)
export class GroupBookingFields {
  @FieldResolver(() => ID)
  id(@Root() group: GroupBookingEntity): string {
    return toGlobalId("GroupBooking", group.id);
  }

  @FieldResolver(() => Listing)
  listing(@Root() group: GroupBookingEntity, @Ctx() { loaders }: Context): Promise<ListingView | null> {
    return loaders.listingById.load(group.listingId);
  }

  @FieldResolver(() => Provider)
  provider(@Root() group: GroupBookingEntity, @Ctx() { loaders }: Context): Promise<ProviderView | null> {
    return loaders.providerById.load(group.providerId);
  }

  @FieldResolver(() => Provider)
  careHome(@Root() group: GroupBookingEntity, @Ctx() { loaders }: Context): Promise<ProviderView | null> {
    return loaders.providerById.load(group.careHomeId);
  }

  @FieldResolver(() => [GroupParticipant], {
    description: "Each resident's share against buying the same session alone; only the participants you may see (a resident sees their own).",
  })
  async participants(@Root() group: GroupBookingEntity, @Ctx() { viewer, services, loaders }: Context): Promise<GroupParticipant[]> {
    const bookings = await loaders.bookingsOfGroup.load(group.id);
    const clients = await loaders.clientById.loadMany(bookings.map((b) => b.clientId));
    return bookings
      .filter((b, i) => {
        const client = clients[i];
        return client && !(client instanceof Error) && services.bookings.isVisibleTo(viewer, b, client);
      })
      .map((b) => participant(b, group.sessionPricePence));
  }
}

@Resolver(() => GroupParticipant)
export class GroupParticipantFields {
  @FieldResolver(() => Booking, { description: "Their own booking, paid from their budget." })
  booking(@Root() p: GroupParticipant, @Ctx() { loaders }: Context): Promise<BookingEntity | null> {
    return loaders.bookingById.load(p.bookingId);
  }
}

@Resolver(() => Booking)
export class BookingGroupField {
  @FieldResolver(() => GroupBooking, { nullable: true, description: "The group session this booking is one resident's share of." })
  groupBooking(@Root() booking: BookingEntity, @Ctx() { loaders }: Context): Promise<GroupBookingEntity | null> | null {
    return booking.groupBookingId ? loaders.groupBookingById.load(booking.groupBookingId) : null;
  }

  @FieldResolver(() => GroupParticipant, { nullable: true, description: "For a group session: this resident's share against buying it alone." })
  async groupShare(@Root() booking: BookingEntity, @Ctx() { loaders }: Context): Promise<GroupParticipant | null> {
    const group = booking.groupBookingId ? await loaders.groupBookingById.load(booking.groupBookingId) : null;
    return group ? participant(booking, group.sessionPricePence) : null;
  }
}

function participant(booking: BookingEntity, alonePence: number): GroupParticipant {
  const sharePence = booking.groupSharePence ?? alonePence;
  return { bookingId: booking.id, sharePence, alonePence, savingPence: savingPence(alonePence, sharePence) };
}
