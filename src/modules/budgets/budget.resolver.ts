import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId, uuidOf } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { PageArgs, type Connection } from "../../shared/pagination";
import { londonDate, LocalDate } from "../../shared/time";
import { User, type UserView } from "../auth";
import { Provider, type ProviderView } from "../providers";
import { FundingBody, ServiceCategory, type FundingBodyView, type ServiceCategoryView } from "../reference";
import type { CreateBudgetCommand, CreateClientCommand } from "./budget.commands";
import { BudgetEntity } from "./budget.entity";
import { AgeBand } from "./budget.enums";
import { AssignBrokerInput, CreateBudgetInput, CreateClientInput, SetGainPolicyInput, TopUpBudgetInput } from "./budget.inputs";
import {
  AssignBrokerPayload,
  Budget,
  Client,
  ClientConnection,
  CreateBudgetPayload,
  CreateClientPayload,
  GainPolicy,
  LedgerEntry,
  LedgerEntryConnection,
  SetGainPolicyPayload,
  TopUpBudgetPayload,
} from "./budget.types";
import { ClientEntity } from "./client.entity";
import { ageBandOf, canActFor } from "./client.rules";
import { LedgerEntryEntity } from "./ledger-entry.entity";
import { reviewOverdueOf } from "./review.rules";
import { availableOf } from "./ledger.rules";

@Authorized(Role.CLIENT, Role.BROKER, Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class BudgetQueries {
  @Query(() => Client, { nullable: true, description: "A client you act for or manage." })
  client(@Arg("id", () => ID) id: string, @Ctx() { viewer, services }: Context): Promise<ClientEntity | null> {
    return services.clients.findVisible(viewer, uuidOf(id, "Client"));
  }

  @Query(() => ClientConnection, { description: "The clients you act for or manage, by name." })
  clients(@Args() page: PageArgs, @Ctx() { viewer, services }: Context): Promise<Connection<ClientEntity>> {
    return services.clients.list(signedIn(viewer), page);
  }

  @Query(() => Budget, { nullable: true })
  async budget(@Arg("id", () => ID) id: string, @Ctx() { viewer, services }: Context): Promise<BudgetEntity | null> {
    return (await services.budgets.findVisible(viewer, uuidOf(id, "Budget")))?.budget ?? null;
  }
}

@Authorized(Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class BudgetMutations {
  @Mutation(() => CreateClientPayload, { description: "Registers a budget holder of your funding body." })
  async createClient(@Arg("input") input: CreateClientInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("client", await services.clients.create(signedIn(viewer), createClientCommand(input)));
  }

  @Mutation(() => AssignBrokerPayload, { description: "Gives a client a broker, who then sees and acts for them." })
  async assignBroker(@Arg("input") input: AssignBrokerInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.clients.assignBroker(signedIn(viewer), {
      clientId: uuidOf(input.clientId, "Client"),
      broker: input.brokerUserId ? { userId: uuidOf(input.brokerUserId, "User") } : null,
    });
    if (result.ok) loaders.clientById.clear(result.value.id).prime(result.value.id, result.value);
    return toInputPayload("client", result);
  }

  @Mutation(() => CreateBudgetPayload, { description: "Allocates a budget to a client: its first ledger entry is the ALLOCATION." })
  async createBudget(@Arg("input") input: CreateBudgetInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("budget", await services.budgets.create(signedIn(viewer), createBudgetCommand(input)));
  }

  @Mutation(() => SetGainPolicyPayload, { description: "Sets what happens to savings of bookings made from now on: RETAIN, RETURN, or SHARE a percentage." })
  async setGainPolicy(@Arg("input") input: SetGainPolicyInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.budgets.setGainPolicy(signedIn(viewer), {
      budgetId: uuidOf(input.budgetId, "Budget"),
      mode: input.mode,
      returnPercent: input.returnPercent ?? null,
    });
    if (result.ok) loaders.budgetById.clear(result.value.id);
    return toInputPayload("budget", result);
  }

  @Mutation(() => TopUpBudgetPayload, { description: "Adds money to a budget (a TOP_UP entry). Idempotent." })
  async topUpBudget(@Arg("input") input: TopUpBudgetInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.budgets.topUp(signedIn(viewer), {
      budgetId: uuidOf(input.budgetId, "Budget"),
      amountPence: input.amountPence,
      memo: input.memo,
      idempotencyKey: input.idempotencyKey,
    });
    if (result.ok) loaders.budgetById.clear(result.value.id);
    return toInputPayload("budget", result);
  }
}

function createClientCommand(input: CreateClientInput): CreateClientCommand {
  return {
    displayName: input.displayName,
    postcodeDistrict: input.postcodeDistrict,
    fundingBodyCode: input.fundingBodyCode ?? null,
    setting: input.setting,
    careHomeId: input.careHomeId ? uuidOf(input.careHomeId, "Provider") : undefined,
    dateOfBirth: input.dateOfBirth,
    newToSupport: input.newToSupport,
  };
}

function createBudgetCommand(input: CreateBudgetInput): CreateBudgetCommand {
  return {
    clientId: uuidOf(input.clientId, "Client"),
    kind: input.kind,
    management: input.management,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    allocatedPence: input.allocatedPence,
    coveredCategoryCodes: input.coveredCategoryCodes,
    reviewDueOn: input.reviewDueOn ?? null,
    idempotencyKey: input.idempotencyKey,
  };
}

/** Details beyond name and place are for those who act for the client, never for providers. */
@Resolver(() => Client)
export class ClientFields {
  @FieldResolver(() => ID)
  id(@Root() client: ClientEntity): string {
    return toGlobalId("Client", client.id);
  }

  @FieldResolver(() => FundingBody)
  fundingBody(@Root() client: ClientEntity, @Ctx() { loaders }: Context): Promise<FundingBodyView | null> {
    return loaders.fundingBodyByCode.load(client.fundingBodyCode);
  }

  @FieldResolver(() => Provider, { nullable: true, description: "The care home the client lives in." })
  careHome(@Root() client: ClientEntity, @Ctx() { loaders }: Context): Promise<ProviderView | null> | null {
    return client.careHomeId ? loaders.providerById.load(client.careHomeId) : null;
  }

  @FieldResolver(() => LocalDate, { nullable: true })
  dateOfBirth(@Root() client: ClientEntity, @Ctx() { viewer }: Context): string | null {
    return viewer && canActFor(viewer, client) ? client.dateOfBirth : null;
  }

  @FieldResolver(() => AgeBand, { nullable: true })
  ageBand(@Root() client: ClientEntity, @Ctx() { viewer, services }: Context): AgeBand | null {
    return viewer && canActFor(viewer, client) ? ageBandOf(client.dateOfBirth, londonDate(services.clock.now())) : null;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: "Had no support before this budget." })
  newToSupport(@Root() client: ClientEntity, @Ctx() { viewer }: Context): boolean | null {
    return viewer && canActFor(viewer, client) ? client.newToSupport : null;
  }

  @FieldResolver(() => [Budget])
  async budgets(@Root() client: ClientEntity, @Ctx() { viewer, loaders }: Context): Promise<BudgetEntity[]> {
    return viewer && canActFor(viewer, client) ? loaders.budgetsOfClient.load(client.id) : [];
  }

  @FieldResolver(() => User, { nullable: true, description: "The broker assigned to the client." })
  broker(@Root() client: ClientEntity, @Ctx() { viewer, loaders }: Context): Promise<UserView | null> | null {
    return viewer && canActFor(viewer, client) && client.brokerUserId ? loaders.userById.load(client.brokerUserId) : null;
  }
}

@Resolver(() => Budget)
export class BudgetFields {
  @FieldResolver(() => ID)
  id(@Root() budget: BudgetEntity): string {
    return toGlobalId("Budget", budget.id);
  }

  @FieldResolver(() => Client)
  holder(@Root() budget: BudgetEntity, @Ctx() { loaders }: Context): Promise<ClientEntity | null> {
    return loaders.clientById.load(budget.clientId);
  }

  @FieldResolver(() => FundingBody)
  fundingBody(@Root() budget: BudgetEntity, @Ctx() { loaders }: Context): Promise<FundingBodyView | null> {
    return loaders.fundingBodyByCode.load(budget.fundingBodyCode);
  }

  @FieldResolver(() => [ServiceCategory], { description: "The needs in the care and support plan: what the budget may pay for." })
  async coveredCategories(@Root() budget: BudgetEntity, @Ctx() { loaders }: Context): Promise<ServiceCategoryView[]> {
    const categories = await loaders.categoryByCode.loadMany(budget.coveredCategories);
    return categories.filter((c): c is ServiceCategoryView => c !== null && !(c instanceof Error));
  }

  @FieldResolver(() => Pence, { description: "allocated − committed − spent − returned; never negative." })
  availablePence(@Root() budget: BudgetEntity): number {
    return availableOf(budget);
  }

  @FieldResolver(() => GainPolicy)
  gainPolicy(@Root() budget: BudgetEntity): GainPolicy {
    return { mode: budget.gainMode, returnPercent: budget.gainReturnPercent };
  }

  @FieldResolver(() => Boolean, { description: "Open, and the review date (reviewDueOn) has passed." })
  reviewOverdue(@Root() budget: BudgetEntity, @Ctx() { services }: Context): boolean {
    return reviewOverdueOf(budget, londonDate(services.clock.now()));
  }

  @FieldResolver(() => LedgerEntryConnection, { description: "Every movement of the budget's money, newest first." })
  ledger(@Root() budget: BudgetEntity, @Args() page: PageArgs, @Ctx() { loaders }: Context): Promise<Connection<LedgerEntryEntity>> {
    return loaders.ledgerOfBudget(budget.id, page);
  }
}

@Resolver(() => LedgerEntry)
export class LedgerEntryFields {
  @FieldResolver(() => ID)
  id(@Root() entry: LedgerEntryEntity): string {
    return toGlobalId("LedgerEntry", entry.id);
  }
}

@Resolver(() => User)
export class UserClientField {
  @FieldResolver(() => Client, { nullable: true, description: "The client a CLIENT user is, or acts for." })
  client(@Root() user: UserView, @Ctx() { loaders }: Context): Promise<ClientEntity | null> | null {
    return user.clientId ? loaders.clientById.load(user.clientId) : null;
  }
}
