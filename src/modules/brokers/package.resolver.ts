import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId, uuidOf } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { PageArgs, type Connection } from "../../shared/pagination";
import { User, type UserView } from "../auth";
import { Booking, scheduleOf, type BookingView } from "../bookings";
import { availableOf, Budget, Client, type BudgetView, type ClientView } from "../budgets";
import { Listing, type ListingView } from "../listings";
import { savingPence } from "../pricing";
import { PackageEntity, PackageItemEntity } from "./package.entity";
import { PackageStatus } from "./package.enums";
import { annualCostOf } from "./package.rules";
import type {
  AddPackageItemCommand,
  AgreePackageCommand,
  CreatePackageCommand,
  LogBrokerageTimeCommand,
  PackageItemRef,
  PackageRef,
  PackageSearch,
} from "./package.commands";
import {
  AddPackageItemInput,
  AgreePackageInput,
  CreatePackageInput,
  LogBrokerageTimeInput,
  PackageFilter,
  PackageItemRefInput,
  PackageRefInput,
} from "./package.inputs";
import {
  AddPackageItemPayload,
  AgreePackagePayload,
  CancelPackagePayload,
  CreatePackagePayload,
  LogBrokerageTimePayload,
  Package,
  PackageConnection,
  PackageItem,
  ProposePackagePayload,
  RemovePackageItemPayload,
} from "./package.types";

@Authorized(Role.CLIENT, Role.BROKER, Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class PackageQueries {
  @Query(() => Package, { nullable: true })
  async package(@Arg("id", () => ID) id: string, @Ctx() { viewer, services }: Context): Promise<PackageEntity | null> {
    return (await services.packages.findVisible(viewer, uuidOf(id, "Package")))?.pkg ?? null;
  }

  @Query(() => PackageConnection, { description: "Packages you arrange, agree or manage, newest first." })
  packages(
    @Arg("filter", () => PackageFilter, { nullable: true }) filter: PackageFilter | null,
    @Args() page: PageArgs,
    @Ctx() { viewer, services }: Context,
  ): Promise<Connection<PackageEntity>> {
    return services.packages.list(signedIn(viewer), filter && searchOf(filter), page);
  }
}

@Authorized(Role.BROKER, Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class PackageMutations {
  @Mutation(() => CreatePackagePayload, { description: "Starts a draft package for a client and one of their budgets." })
  async createPackage(@Arg("input") input: CreatePackageInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("package", await services.packages.create(signedIn(viewer), createCommandOf(input)));
  }

  @Mutation(() => AddPackageItemPayload, { description: "Adds a service to a draft; every booking rule is checked now and its cost estimated." })
  async addPackageItem(@Arg("input") input: AddPackageItemInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("package", await services.packages.addItem(signedIn(viewer), addItemCommandOf(input)));
  }

  @Mutation(() => RemovePackageItemPayload)
  async removePackageItem(@Arg("input") input: PackageItemRefInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("package", await services.packages.removeItem(signedIn(viewer), itemRefOf(input)));
  }

  @Mutation(() => LogBrokerageTimePayload, { description: "Records broker time, for funding bodies that pay brokerage by the hour." })
  async logBrokerageTime(@Arg("input") input: LogBrokerageTimeInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("package", await services.packages.logTime(signedIn(viewer), logTimeCommandOf(input)));
  }

  @Mutation(() => ProposePackagePayload, { description: "Puts the draft to the client." })
  async proposePackage(@Arg("input") input: PackageRefInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("package", await services.packages.propose(signedIn(viewer), refOf(input)));
  }
}

@Authorized(Role.CLIENT, Role.BROKER, Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class PackageDecisions {
  @Mutation(() => AgreePackagePayload, {
    description:
      "The client agrees (or the broker records their consent): every item is booked with its commitment, and brokerage charged, or nothing is. Idempotent.",
  })
  async agreePackage(@Arg("input") input: AgreePackageInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("package", await services.packages.agree(signedIn(viewer), agreeCommandOf(input)));
  }

  @Mutation(() => CancelPackagePayload, { description: "Sets a draft or proposal aside; cancelling an agreed package cancels its bookings." })
  async cancelPackage(@Arg("input") input: PackageRefInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("package", await services.packages.cancel(signedIn(viewer), refOf(input)));
  }
}

@Resolver(() => Package)
export class PackageFields {
  @FieldResolver(() => ID)
  id(@Root() pkg: PackageEntity): string {
    return toGlobalId("Package", pkg.id);
  }

  @FieldResolver(() => Client)
  client(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<ClientView | null> {
    return loaders.clientById.load(pkg.clientId);
  }

  @FieldResolver(() => Budget)
  budget(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<BudgetView | null> {
    return loaders.budgetById.load(pkg.budgetId);
  }

  @FieldResolver(() => User)
  broker(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<UserView | null> {
    return loaders.userById.load(pkg.brokerUserId);
  }

  @FieldResolver(() => [PackageItem])
  items(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<PackageItemEntity[]> {
    return loaders.itemsOfPackage.load(pkg.id);
  }

  @FieldResolver(() => Pence, {
    description:
      "What the items cost a year: each item's visits in the 52 weeks from its first, at its cost per visit (periodCostPence: within the budget period).",
  })
  async annualCostPence(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<number> {
    return (await loaders.itemsOfPackage.load(pkg.id)).reduce((sum, i) => sum + annualCostOf(i), 0);
  }

  @FieldResolver(() => Pence, {
    description: "What the items cost over the budget period (their visits from the first to the period's end or the item's last day).",
  })
  async periodCostPence(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<number> {
    return (await loaders.itemsOfPackage.load(pkg.id)).reduce((sum, i) => sum + i.costPence, 0);
  }

  @FieldResolver(() => Pence, { description: "The items with a reference rate, at the funding body's rates." })
  async referenceCostPence(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<number> {
    return (await loaders.itemsOfPackage.load(pkg.id)).reduce((sum, i) => sum + (i.referenceCostPence ?? 0), 0);
  }

  @FieldResolver(() => Pence, { description: "referenceCostPence less those items' cost (negative: a premium)." })
  async savingPence(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<number> {
    return (await loaders.itemsOfPackage.load(pkg.id)).reduce((sum, i) => sum + (savingPence(i.referenceCostPence, i.costPence) ?? 0), 0);
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description: "Whether the budget's available money covers the items and their earmarks (null once agreed or cancelled).",
  })
  async fitsBudget(@Root() pkg: PackageEntity, @Ctx() { loaders }: Context): Promise<boolean | null> {
    if (pkg.status === PackageStatus.AGREED || pkg.status === PackageStatus.CANCELLED) return null;
    const [items, budget] = await Promise.all([loaders.itemsOfPackage.load(pkg.id), loaders.budgetById.load(pkg.budgetId)]);
    const needed = items.reduce((sum, i) => sum + i.costPence + i.earmarkPence, 0);
    return budget !== null && needed <= availableOf(budget);
  }
}

@Resolver(() => PackageItem)
export class PackageItemFields {
  @FieldResolver(() => ID)
  id(@Root() item: PackageItemEntity): string {
    return toGlobalId("PackageItem", item.id);
  }

  @FieldResolver(() => Listing)
  listing(@Root() item: PackageItemEntity, @Ctx() { loaders }: Context): Promise<ListingView | null> {
    return loaders.listingById.load(item.listingId);
  }

  @FieldResolver(() => Pence, { nullable: true, description: "referenceCostPence less costPence; null without a reference." })
  savingPence(@Root() item: PackageItemEntity): number | null {
    return savingPence(item.referenceCostPence, item.costPence);
  }

  @FieldResolver(() => Booking, { nullable: true, description: "The booking made when the package was agreed." })
  booking(@Root() item: PackageItemEntity, @Ctx() { loaders }: Context): Promise<BookingView | null> | null {
    return item.bookingId ? loaders.bookingById.load(item.bookingId) : null;
  }
}

function createCommandOf(input: CreatePackageInput): CreatePackageCommand {
  return { clientId: uuidOf(input.clientId, "Client"), budgetId: uuidOf(input.budgetId, "Budget") };
}

function addItemCommandOf(input: AddPackageItemInput): AddPackageItemCommand {
  return {
    packageId: uuidOf(input.packageId, "Package"),
    listingId: uuidOf(input.listingId, "Listing"),
    ...scheduleOf(input.startsAt, input.recurrence, input.unitsPerVisit),
    endsOn: input.endsOn ?? null,
    payeeRelationship: input.payeeRelationship,
  };
}

function itemRefOf(input: PackageItemRefInput): PackageItemRef {
  return { packageId: uuidOf(input.packageId, "Package"), itemId: uuidOf(input.itemId, "PackageItem") };
}

function logTimeCommandOf(input: LogBrokerageTimeInput): LogBrokerageTimeCommand {
  return { packageId: uuidOf(input.packageId, "Package"), minutes: input.minutes };
}

function refOf(input: PackageRefInput): PackageRef {
  return { packageId: uuidOf(input.packageId, "Package") };
}

function agreeCommandOf(input: AgreePackageInput): AgreePackageCommand {
  return { packageId: uuidOf(input.packageId, "Package"), idempotencyKey: input.idempotencyKey };
}

function searchOf(filter: PackageFilter): PackageSearch {
  return { statuses: filter.statuses, clientId: filter.clientId ? uuidOf(filter.clientId, "Client") : undefined };
}
